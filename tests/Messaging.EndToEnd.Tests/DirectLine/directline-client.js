// Drives our server with Microsoft's official Direct Line client (botframework-directlinejs), as a portal would:
// the portal's server exchanges its site secret for a token, the client opens the conversation and its WebSocket
// stream, books an appointment by answering the bot (suggested actions first), then waits for a proactive message.
// Prints one JSON line with what happened. Usage: node directline-client.js DOMAIN SECRET
'use strict';
const [domain, secret] = process.argv.slice(2);
const result = { steps: [], statuses: [], sockets: 0, socketMessages: 0 };

global.XMLHttpRequest = require('xhr2');
// The client's own WebSocket, counted, so the test knows activities came over the stream and not by polling.
const WS = require('ws');
global.WebSocket = class CountedWebSocket extends WS {
  constructor(...args) {
    super(...args);
    result.sockets++;
    this.on('message', data => { if (data.length > 0) result.socketMessages++; });
  }
};
const { DirectLine, ConnectionStatus } = require('botframework-directlinejs');
const finish = (code) => { console.log(JSON.stringify(result)); process.exit(code); };
setTimeout(() => { result.error = 'timed out'; finish(2); }, 60000);

(async () => {
  const generated = await fetch(`${domain}/tokens/generate`, {
    method: 'POST', headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: { id: 'dl_portal_user_1', name: 'Công dân' } }),
  });
  if (generated.status !== 200) { result.error = `tokens/generate answered ${generated.status}`; return finish(1); }
  const { token, conversationId } = await generated.json();
  result.conversationId = conversationId;

  const dl = new DirectLine({ token, domain, webSocket: true, pollingInterval: 500 });
  dl.connectionStatus$.subscribe(s => result.statuses.push(ConnectionStatus[s]));
  const botMessages = [];
  let waiting = [];
  dl.activity$.subscribe(a => {
    if (a.from && a.from.role === 'bot' && a.type === 'message') {
      botMessages.push(a);
      waiting.forEach(w => w());
      waiting = [];
    } else if (a.from && a.from.id === 'dl_portal_user_1') {
      result.echoes = (result.echoes || 0) + 1;
    }
  });
  const nextBot = (after) => new Promise(resolve => {
    const check = () => botMessages.length > after ? resolve(botMessages[botMessages.length - 1]) : waiting.push(check);
    check();
  });
  const say = (text) => new Promise((resolve, reject) => {
    result.steps.push(text);
    dl.postActivity({ type: 'message', from: { id: 'dl_portal_user_1', name: 'Công dân' }, text, locale: 'vi-VN' })
      .subscribe(id => resolve(id), err => reject(err));
  });

  let seen = 0;
  result.firstId = await say('đặt lịch đổi căn cước ở xã Tịnh Hà, tên Nguyễn Văn An, sđt 0912345678');
  let booking = null;
  for (let i = 0; i < 8 && !booking; i++) {
    const reply = await nextBot(seen);
    // The turn's replies arrive together; let them all land before choosing.
    await new Promise(r => setTimeout(r, 300));
    seen = botMessages.length;
    const last = botMessages[botMessages.length - 1];
    const found = botMessages.find(m => m.channelData && m.channelData.booking);
    if (found) { booking = found.channelData.booking; break; }
    const actions = (last.suggestedActions && last.suggestedActions.actions) || [];
    if (actions.length === 0) { result.error = `no way forward after: ${last.text}`; return finish(1); }
    await say(actions[0].value);
  }
  if (!booking) { result.error = 'no booking after 8 answers'; return finish(1); }
  result.booking = booking;

  // A proactive message: the notifier's confirmation, written to the conversation by the worker.
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    const proactive = botMessages.find(m => m.id && m.id.startsWith('n-'));
    if (proactive) { result.proactive = proactive.text; break; }
    await nextBot(botMessages.length).catch(() => {});
  }
  result.streamed = result.statuses.includes('Online');
  dl.end();
  finish(result.proactive ? 0 : 1);
})().catch(e => { result.error = String(e && (e.message || e.status) || e); finish(1); });
