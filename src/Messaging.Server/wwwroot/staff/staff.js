// Behaviour the staff pages declare in markup, so no page needs inline script (the Content-Security-Policy forbids it):
// data-confirm="question" on a form asks before submitting; data-autosubmit on a select submits its form on change.
(function () {
  document.addEventListener('submit', (e) => {
    const form = e.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) e.preventDefault();
  });
  document.addEventListener('change', (e) => {
    const el = e.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute('data-autosubmit') && el.form) el.form.submit();
  });
})();
