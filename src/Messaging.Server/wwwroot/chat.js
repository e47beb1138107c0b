// Web chat over the Activity protocol: POST /api/messages with expectReplies, and polling for what arrives later
// (reminders, officers' replies). The server starts the conversation and hands out its token; every turn and every
// poll carries it, so nobody else can read or write this conversation. Both live in sessionStorage: they survive a
// reload, not the tab; on a shared computer the next person starts afresh (and "End" ends it at once).
(function () {
  const store = window.sessionStorage;
  const prefs = window.localStorage;
  const id = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2)).replace(/-/g, "");
  let conversationId = store.getItem("chat.conversation");
  let token = store.getItem("chat.token");
  let locale = prefs.getItem("chat.locale") || "vi";
  let watermark = 0;
  const seen = new Set();

  const log = document.getElementById("log");
  const actions = document.getElementById("actions");
  const input = document.getElementById("text");
  const text = {
    vi: { placeholder: "Nhập tin nhắn…", send: "Gửi", subtitle: "Đặt lịch · Tra cứu hồ sơ · Hỏi thủ tục", lang: "EN", queue: "Số thứ tự", code: "Mã lịch hẹn", error: "Không gửi được, vui lòng thử lại.", end: "Kết thúc" },
    en: { placeholder: "Type a message…", send: "Send", subtitle: "Appointments · Dossiers · Procedures", lang: "VI", queue: "Queue number", code: "Booking code", error: "Could not send; please try again.", end: "End chat" },
  };

  function applyLocale() {
    const t = text[locale];
    input.placeholder = t.placeholder;
    document.getElementById("send").textContent = t.send;
    document.querySelector("[data-i18n=subtitle]").textContent = t.subtitle;
    document.getElementById("lang").textContent = t.lang;
    document.getElementById("end").textContent = t.end;
    document.documentElement.lang = locale;
  }

  function linkify(node, value) {
    const parts = value.split(/(https?:\/\/[^\s]+)/g);
    for (const part of parts) {
      if (/^https?:\/\//.test(part)) {
        const a = document.createElement("a");
        a.href = part; a.textContent = part.length > 40 ? part.slice(0, 40) + "…" : part; a.target = "_blank"; a.rel = "noopener";
        node.appendChild(a);
      } else node.appendChild(document.createTextNode(part));
    }
  }

  function bubble(who, value) {
    const div = document.createElement("div");
    div.className = "msg " + who;
    linkify(div, value);
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  function bookingCard(b) {
    const t = text[locale];
    const card = document.createElement("div");
    card.className = "card";
    card.setAttribute("data-booking-code", b.code);
    const when = new Date(b.start).toLocaleString(locale === "en" ? "en-GB" : "vi-VN", { timeZone: "Asia/Ho_Chi_Minh", weekday: "long", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" });
    card.innerHTML = `<div>${t.code}</div><div class="code"></div><div class="queue"></div><div class="when"></div>`;
    card.querySelector(".code").textContent = b.code;
    card.querySelector(".queue").textContent = `${t.queue}: ${b.queueNumber}`;
    card.querySelector(".when").textContent = when;
    log.appendChild(card);
    log.scrollTop = log.scrollHeight;
  }

  function showActions(list) {
    actions.innerHTML = "";
    for (const a of list || []) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = a.title;
      b.addEventListener("click", () => {
        if (a.type === "openUrl") { window.open(a.value, "_blank", "noopener"); return; }
        send(a.type === "postBack" ? { text: "", value: a.value, display: a.title } : { text: a.value, display: a.title });
      });
      actions.appendChild(b);
    }
  }

  function render(activity) {
    if (activity.id && seen.has(activity.id)) return;
    if (activity.id) seen.add(activity.id);
    if (activity.type !== "message") return;
    const fromBot = activity.from && activity.from.role === "bot";
    if (activity.text) bubble(fromBot ? "bot" : "user", activity.text);
    if (fromBot && activity.channelData && activity.channelData.booking) bookingCard(activity.channelData.booking);
    if (fromBot) showActions(activity.suggestedActions && activity.suggestedActions.actions);
  }

  // A conversation of our own: a server-chosen id and its token (a stale or foreign one is replaced).
  async function start() {
    const r = await fetch("/api/conversations", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ locale }) });
    if (!r.ok) throw new Error(String(r.status));
    const body = await r.json();
    conversationId = body.conversationId; token = body.token; watermark = 0;
    store.setItem("chat.conversation", conversationId);
    store.setItem("chat.token", token);
  }

  const auth = () => ({ Authorization: "Bearer " + token });

  async function poll() {
    if (!token) return;
    try {
      const r = await fetch(`/api/conversations/${encodeURIComponent(conversationId)}/activities?watermark=${watermark}`, { headers: auth() });
      if (!r.ok) return;
      const body = await r.json();
      for (const a of body.activities) render(a);
      watermark = Number(body.watermark) || watermark;
    } catch (e) { /* offline for a moment; the next poll catches up */ }
  }

  async function send(message) {
    const activityId = id();
    seen.add(activityId);
    bubble("user", message.display || message.text);
    actions.innerHTML = "";
    const post = () => {
      const activity = {
        type: "message", id: activityId, channelId: "webchat", locale: locale === "en" ? "en-US" : "vi-VN",
        from: { id: "citizen" }, conversation: { id: conversationId }, text: message.text, deliveryMode: "expectReplies",
      };
      if (message.value !== undefined) activity.value = message.value;
      return fetch("/api/messages", { method: "POST", headers: Object.assign({ "Content-Type": "application/json" }, auth()), body: JSON.stringify(activity) });
    };
    try {
      if (!token) await start();
      let r = await post();
      // The conversation is gone (retention) or the token no longer fits: start afresh once.
      if (r.status === 401 || r.status === 403) { await start(); r = await post(); }
      if (!r.ok) throw new Error(String(r.status));
      const body = await r.json();
      for (const a of body.activities) render(a);
      await poll();
    } catch (e) {
      bubble("bot", text[locale].error);
    }
  }

  document.getElementById("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (!value) return;
    input.value = "";
    send({ text: value });
  });
  document.getElementById("lang").addEventListener("click", () => {
    locale = locale === "vi" ? "en" : "vi";
    prefs.setItem("chat.locale", locale);
    applyLocale();
  });

  // Ends this conversation here: the token is forgotten, the next message starts a new conversation.
  document.getElementById("end").addEventListener("click", () => {
    store.removeItem("chat.conversation");
    store.removeItem("chat.token");
    conversationId = null; token = null; watermark = 0;
    seen.clear();
    log.innerHTML = "";
    actions.innerHTML = "";
    send({ text: locale === "en" ? "hello" : "xin chào" });
  });

  applyLocale();
  poll().then(() => { if (seen.size === 0) send({ text: locale === "en" ? "hello" : "xin chào" }); });
  setInterval(poll, 4000);
})();
