// The desk page follows its office's board stream: when a number is called, finished or issued at any desk, the live
// part of the page (this desk's number, the queue tables) is fetched again and swapped in, unless the officer is using a
// control inside it; every 15 s as well, for a stream that cannot be kept open. [data-print] prints the page (a ticket).
// No inline script: the Content-Security-Policy forbids it.
(function () {
  'use strict';
  document.addEventListener('click', (e) => {
    if (e.target instanceof Element && e.target.closest('[data-print]')) window.print();
  });
  const desk = document.querySelector('.desk[data-stream]');
  const live = document.getElementById('desk-live');
  if (!desk || !live) return;
  let busy = false;

  function refresh() {
    if (busy || (document.activeElement && document.activeElement !== document.body && live.contains(document.activeElement))) return;
    busy = true;
    const finishedOpen = live.querySelector('details.finished')?.open === true;
    fetch(location.href, { cache: 'no-store', credentials: 'same-origin' })
      .then((r) => (r.ok && !r.redirected ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('desk-live');
        if (!fresh) return;
        live.replaceChildren(...Array.from(fresh.childNodes, (n) => document.importNode(n, true)));
        const finished = live.querySelector('details.finished');
        if (finished && finishedOpen) finished.open = true;
        desk.dataset.refreshes = String(Number(desk.dataset.refreshes || '0') + 1);
      })
      .catch(() => { /* signed out or offline: the next action shows why */ })
      .finally(() => { busy = false; });
  }

  if (typeof EventSource === 'function') {
    let primed = false;
    const source = new EventSource(desk.dataset.stream);
    source.addEventListener('board', () => {
      // The first board describes the page as it was rendered.
      if (primed) refresh();
      primed = true;
    });
  }
  setInterval(refresh, 15000);
})();
