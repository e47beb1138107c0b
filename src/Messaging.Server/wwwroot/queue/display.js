// The waiting-room screen follows its office's board: a stream of server-sent events, or, when a stream cannot be kept
// open (an old browser, a proxy that holds it), the same board polled as JSON every few seconds. Nodes are built with
// textContent only, so nothing the server sends is ever read as markup. No inline script: the page's policy forbids it.
(function () {
  'use strict';
  const body = document.body;
  const serving = document.getElementById('serving');
  const next = document.getElementById('next');
  const status = document.getElementById('status');
  const clock = document.getElementById('clock');
  let lastText = null;
  let lastHeard = Date.now();
  let seen = null; // desk -> "number|announcedAt" of the last board, to blink what changed
  let pollTimer = null;

  function node(tag, cls, text) {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = text;
    return el;
  }

  function render(board) {
    const fresh = new Map();
    const items = board.serving.map((s) => {
      const li = document.createElement('li');
      const key = s.number + '|' + s.announcedAt;
      li.dataset.desk = s.desk;
      li.append(node('span', 'number', s.number), node('span', 'desk', s.desk));
      // The first board only shows what is there; later ones blink a number called or called again.
      if (seen !== null && seen.get(s.desk) !== key) li.classList.add('called');
      fresh.set(s.desk, key);
      return li;
    });
    serving.replaceChildren(...items);
    seen = fresh;
    document.getElementById('serving-empty').hidden = board.serving.length > 0;
    next.replaceChildren(...board.next.map((n) => node('li', '', n)));
    document.getElementById('next-empty').hidden = board.next.length > 0;
    document.getElementById('waiting').textContent = String(board.waiting);
    body.dataset.updates = String(Number(body.dataset.updates || '0') + 1);
  }

  function alive() {
    lastHeard = Date.now();
    status.dataset.state = 'live';
  }

  function apply(text) {
    alive();
    if (text === lastText) return;
    lastText = text;
    render(JSON.parse(text));
  }

  function poll() {
    fetch(body.dataset.poll, { cache: 'no-store', headers: { Accept: 'application/json' } })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then(apply, () => { status.dataset.state = 'stale'; });
  }

  function startPolling() {
    if (pollTimer !== null) return;
    body.dataset.mode = 'poll';
    poll();
    pollTimer = setInterval(poll, 3000);
  }

  let source = null;
  if (typeof EventSource === 'function' && body.dataset.stream) {
    body.dataset.mode = 'stream';
    let failures = 0;
    source = new EventSource(body.dataset.stream);
    source.addEventListener('board', (e) => { failures = 0; apply(e.data); });
    source.addEventListener('ping', () => { failures = 0; alive(); });
    source.onerror = () => {
      failures += 1;
      status.dataset.state = 'stale';
      // EventSource reconnects by itself; after a few failures in a row the screen polls instead.
      if (failures >= 3) {
        source.close();
        startPolling();
      }
    };
  } else {
    startPolling();
  }

  // A stream that went quiet without an error (pings come every 15 s): poll from then on.
  // The stream is closed first, so the screen does not stream and poll at once.
  setInterval(() => {
    if (Date.now() - lastHeard > 45000) {
      if (source !== null) source.close();
      startPolling();
    }
  }, 5000);

  const time = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hour12: false });
  setInterval(() => { clock.textContent = time.format(new Date()); }, 10000);
})();
