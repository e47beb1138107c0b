// Live validation and preview for the template editor: the admin API renders with the posted text and the
// template's sample data, so what is shown is exactly what would be sent.
(function () {
  const form = document.getElementById('editor');
  if (!form) return;
  const key = form.dataset.key;
  const token = form.querySelector('input[name="__RequestVerificationToken"]').value;
  const areas = Array.from(form.querySelectorAll('textarea[data-variant]'));
  const select = document.getElementById('preview-variant');
  const preview = document.getElementById('preview');
  const sms = document.getElementById('sms-info');
  const errors = document.getElementById('live-errors');
  const base = '/api/admin/templates/' + key.split('/').map(encodeURIComponent).join('/');

  function variants() {
    const v = {};
    areas.forEach(a => { v[a.dataset.variant] = a.value; });
    return v;
  }

  async function post(path, body) {
    const r = await fetch(base + path, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'RequestVerificationToken': token },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: await r.json().catch(() => ({})) };
  }

  function describe(e) {
    return e.variant + (e.line ? ', dòng ' + e.line + ', cột ' + e.column : '') + ': ' + e.message;
  }

  async function refresh() {
    const v = variants();
    const check = await post('/validate', { variants: v });
    const list = (check.body.errors || []);
    errors.hidden = list.length === 0;
    errors.replaceChildren(...list.map(e => { const li = document.createElement('div'); li.textContent = describe(e); return li; }));
    const shown = await post('/preview', { variant: select.value, variants: v });
    if (shown.status === 200) {
      preview.textContent = shown.body.text;
      const s = shown.body.sms;
      sms.textContent = s ? ('SMS ' + (s.encoding === 'ucs2' || s.encoding === 1 ? 'có dấu (UCS-2)' : 'không dấu (GSM-7)') + ': ' + s.units + ' ký tự, ' + s.segments + ' tin') : '';
    } else {
      preview.textContent = '⚠ ' + ((shown.body.errors || []).map(describe).join('\n') || shown.body.detail || 'Không xem trước được');
      sms.textContent = '';
    }
  }

  let timer;
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 300); }
  areas.forEach(a => a.addEventListener('input', later));
  select.addEventListener('change', refresh);
  refresh();
})();
