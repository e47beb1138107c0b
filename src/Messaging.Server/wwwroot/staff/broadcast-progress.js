// Progress of a running broadcast, from the same page, without a framework: reload every two seconds while it runs.
(function () {
  const box = document.getElementById('broadcast');
  if (!box || box.dataset.status !== 'Running') return;
  setTimeout(() => location.reload(), 2000);
})();
