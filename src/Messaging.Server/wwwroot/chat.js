// Web chat over the Activity protocol: POST /api/messages with expectReplies, and polling for what arrives later
// (reminders, officers' replies). The server starts the conversation and hands out its token; every turn and every
// poll carries it, so nobody else can read or write this conversation. Both live in sessionStorage: they survive a
// reload, not the tab; on a shared computer the next person starts afresh (and "End" ends it at once).
//
// The welcome and the menu are drawn here, not asked of the server: opening the page sends nothing and starts no
// conversation; the first message the citizen sends (or the first button they tap) does.
//
// Personal data (Decree 13/2023/NĐ-CP; Personal Data Protection Law No. 91/2025/QH15): a short notice is shown in the
// chat until the citizen agrees; before that, a typed message holding a phone or ID number is not sent. The consent
// lives in sessionStorage with the conversation, and "End" forgets it with the rest.
(function () {
  const store = window.sessionStorage;
  const prefs = window.localStorage;
  /** The notice's version: a changed notice is agreed to again. */
  const CONSENT = "pdp-2026-1";
  const id = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2)).replace(/-/g, "");
  let conversationId = store.getItem("chat.conversation");
  let token = store.getItem("chat.token");
  let locale = prefs.getItem("chat.locale") === "en" ? "en" : "vi";
  let watermark = 0;
  const seen = new Set();
  /** Bumped by "End": answers to requests made before it are dropped. */
  let generation = 0;
  /** The menu (not a reply's buttons) is in the actions bar: redrawn in the other language on a switch. */
  let menuShown = false;
  /** The text a missing consent held back, sent once the citizen agrees if it is still in the input. */
  let held = null;
  /** Which message the alert region shows (a key of the texts), so a language switch can redraw it. */
  let alertKey = null;
  let alertTimer = 0;
  /** A reply button pressed from the keyboard: focus goes on to the next buttons (or the input) after the answer. */
  let keyboardFocus = false;

  const log = document.getElementById("log");
  const actions = document.getElementById("actions");
  const input = document.getElementById("text");
  const alertBox = document.getElementById("alert");

  // The main menu: the same titles and values as the bot's own (Messaging.Bot Menu.Actions), so a tap is understood.
  const text = {
    vi: {
      title: "Hỗ trợ thủ tục hành chính – Công an xã", heading: "Trợ lý Công an xã",
      subtitle: "Đặt lịch · Tra cứu hồ sơ · Hỏi thủ tục",
      placeholder: "Nhập tin nhắn…", placeholderConsent: "Bấm “Đồng ý” trước khi gửi SĐT, CCCD",
      send: "Gửi", lang: "English", langCode: "en", end: "Kết thúc",
      queue: "Số thứ tự", code: "Mã lịch hẹn", error: "Không gửi được, vui lòng thử lại.",
      log: "Cuộc trò chuyện", tools: "Tùy chọn", replies: "Lựa chọn trả lời nhanh", menuLabel: "Chọn việc cần làm",
      inputLabel: "Tin nhắn", newTab: "mở trong thẻ mới",
      welcome: "Xin chào anh/chị 👋 Đây là trợ lý tự động của Công an xã. Em có thể giúp đặt lịch làm căn cước, cư trú, hộ chiếu; tra cứu hồ sơ; hướng dẫn giấy tờ cần mang. Anh/chị bấm một mục bên dưới hoặc nhắn tin ạ.",
      notice: "🔒 Thông báo về dữ liệu cá nhân: khi đặt lịch hoặc tra cứu hồ sơ, Công an xã thu thập họ và tên, số điện thoại và số căn cước (nếu anh/chị cung cấp), chỉ để đặt lịch, gửi xác nhận, nhắc lịch và tra cứu hồ sơ. Nội dung trò chuyện được xóa sau tối đa 90 ngày; lịch hẹn và hồ sơ được lưu theo quy định lưu trữ của cơ quan. Dữ liệu được xử lý theo Nghị định 13/2023/NĐ-CP và Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15. Để xem, sửa, xóa dữ liệu hoặc rút lại sự đồng ý, anh/chị liên hệ Công an xã nơi làm thủ tục (hoặc bấm “Gặp cán bộ”). Bấm “Đồng ý” nếu anh/chị đồng ý.",
      agree: "Đồng ý", agreed: "✓ Anh/chị đã đồng ý. Cảm ơn anh/chị.", consentGroup: "Đồng ý xử lý dữ liệu cá nhân",
      consentNeeded: "Tin nhắn có số điện thoại hoặc số căn cước chưa được gửi. Anh/chị vui lòng đọc thông báo về dữ liệu cá nhân và bấm “Đồng ý” trước.",
      menu: [
        { type: "imBack", title: "Đặt lịch hẹn", value: "đặt lịch hẹn" },
        { type: "imBack", title: "Tra cứu hồ sơ", value: "tra cứu hồ sơ" },
        { type: "imBack", title: "Hỏi thủ tục", value: "làm thủ tục cần giấy tờ gì" },
        { type: "imBack", title: "Hủy hoặc đổi lịch", value: "hủy lịch hẹn" },
        { type: "imBack", title: "Gặp cán bộ", value: "gặp cán bộ" },
      ],
    },
    en: {
      title: "Administrative procedures help – Commune police", heading: "Commune Police Assistant",
      subtitle: "Appointments · Dossiers · Procedures",
      placeholder: "Type a message…", placeholderConsent: "Tap “I agree” before sending phone, ID",
      send: "Send", lang: "Tiếng Việt", langCode: "vi", end: "End chat",
      queue: "Queue number", code: "Booking code", error: "Could not send; please try again.",
      log: "Conversation", tools: "Options", replies: "Quick replies", menuLabel: "What would you like to do",
      inputLabel: "Message", newTab: "opens in a new tab",
      welcome: "Hello 👋 I am the automatic assistant of the commune police. I can book appointments (ID card, residence, passport), check a dossier and tell you which papers to bring. Tap a button below or just type.",
      notice: "🔒 Personal data notice: to book an appointment or look up a dossier, the commune police collect your full name, phone number and ID card number (if you give it), only to book, send confirmations and reminders, and look up your dossier. Chat transcripts are deleted after at most 90 days; bookings and dossiers are kept under the office's records rules. Your data is processed under Decree 13/2023/NĐ-CP and the Personal Data Protection Law No. 91/2025/QH15. To see, correct or delete your data or withdraw your consent, contact the commune police office that handles your matter (or tap “Talk to an officer”). Tap “I agree” if you agree.",
      agree: "I agree", agreed: "✓ You agreed. Thank you.", consentGroup: "Consent to the processing of personal data",
      consentNeeded: "Your message with a phone or ID number was not sent. Please read the personal data notice and tap “I agree” first.",
      menu: [
        { type: "imBack", title: "Book an appointment", value: "book an appointment" },
        { type: "imBack", title: "Dossier status", value: "check my dossier" },
        { type: "imBack", title: "Procedures", value: "what papers do I need" },
        { type: "imBack", title: "Cancel or move a booking", value: "cancel my appointment" },
        { type: "imBack", title: "Talk to an officer", value: "talk to an officer" },
      ],
    },
  };
  const t = () => text[locale];

  const consented = () => store.getItem("chat.consent") === CONSENT;

  // A mobile number (0 and 9 more digits, or +84 and 9), or a 12-digit ID number, typed with or without spaces, dots
  // (and, for phones, dashes) between the digits. A dossier code ("000.00.12.H55-240930-0101") is neither.
  const PHONE = /(^|\D)(?:\+84\)?|0)(?:[\s.\-]?\d){9}(?!\d)/;
  const ID_NUMBER = /(^|\D)\d(?:[\s.]?\d){11}(?!\d)/;
  const hasPersonalNumber = (value) => PHONE.test(value) || ID_NUMBER.test(value);

  function applyLocale() {
    const l = t();
    document.documentElement.lang = locale;
    document.title = l.title;
    document.getElementById("heading").textContent = l.heading;
    document.querySelector("[data-i18n=subtitle]").textContent = l.subtitle;
    document.getElementById("send").textContent = l.send;
    document.getElementById("end").textContent = l.end;
    // The switch names the other language, in that language.
    const toggle = document.getElementById("lang");
    toggle.textContent = l.lang;
    toggle.setAttribute("lang", l.langCode);
    document.getElementById("tools").setAttribute("aria-label", l.tools);
    document.getElementById("text-label").textContent = l.inputLabel;
    document.getElementById("new-tab-hint").textContent = l.newTab;
    log.setAttribute("aria-label", l.log);
    actions.setAttribute("aria-label", menuShown ? l.menuLabel : l.replies);
    applyPlaceholder();
    for (const node of log.querySelectorAll("[data-local]")) localise(node);
    if (menuShown) showMenu();
    if (alertKey) alertBox.textContent = l[alertKey];
  }

  function applyPlaceholder() {
    input.placeholder = consented() ? t().placeholder : t().placeholderConsent;
  }

  function setAlert(key) {
    alertKey = key;
    // Emptied first, so the same message said twice is announced twice.
    alertBox.textContent = "";
    clearTimeout(alertTimer);
    alertTimer = setTimeout(() => { if (alertKey) alertBox.textContent = t()[alertKey]; }, 60);
  }

  function clearAlert() {
    alertKey = null;
    clearTimeout(alertTimer);
    alertBox.textContent = "";
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  /** A link's text: the address without its scheme or a trailing slash, escapes decoded when that is safe to show. */
  function displayUrl(url) {
    const bare = url.replace(/^https?:\/\//i, "").replace(/\/$/, "");
    let shown;
    try { shown = decodeURI(bare); } catch (e) { return bare; }
    // Nothing invisible or that turns text around may come out of the escapes.
    return /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/.test(shown) ? bare : shown;
  }

  /** Punctuation that ends the sentence rather than the address; a closing bracket only when it closes nothing in it. */
  function trimUrl(url) {
    while (url.length > 0) {
      const last = url[url.length - 1];
      if (".,;:!?…'\"»”’".includes(last)) { url = url.slice(0, -1); continue; }
      if (last === ")" && url.split("(").length < url.split(")").length) { url = url.slice(0, -1); continue; }
      break;
    }
    return url;
  }

  function linkify(node, value) {
    const pattern = /https?:\/\/[^\s<>"]+/gi;
    let at = 0;
    let m;
    while ((m = pattern.exec(value)) !== null) {
      const url = trimUrl(m[0]);
      if (!/^https?:\/\/[^/?#]+/i.test(url)) continue;
      if (m.index > at) node.appendChild(document.createTextNode(value.slice(at, m.index)));
      const a = document.createElement("a");
      a.href = url;
      a.textContent = displayUrl(url);
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.setAttribute("aria-describedby", "new-tab-hint");
      node.appendChild(a);
      at = m.index + url.length;
    }
    if (at < value.length) node.appendChild(document.createTextNode(value.slice(at)));
  }

  function bubble(who, value) {
    const div = document.createElement("div");
    div.className = "msg " + who;
    // The bot's addresses become links; what the citizen typed stays text.
    if (who === "bot") linkify(div, value); else div.textContent = value;
    log.appendChild(div);
    scrollDown();
  }

  /** The page's own bot-side messages (welcome, notice): drawn again in the other language on a switch. */
  function localise(node) {
    const l = t();
    if (node.dataset.local === "welcome") node.textContent = l.welcome;
    if (node.dataset.local === "notice") {
      node.querySelector(".notice-text").textContent = l.notice;
      const group = node.querySelector(".consent-actions");
      const done = node.querySelector(".agreed");
      if (consented()) {
        if (group) group.remove();
        if (done) done.textContent = l.agreed;
        else {
          const p = document.createElement("p");
          p.className = "agreed";
          p.textContent = l.agreed;
          node.appendChild(p);
        }
      } else if (group) {
        group.setAttribute("aria-label", l.consentGroup);
        group.querySelector("button").textContent = l.agree;
      }
    }
  }

  function welcome() {
    const div = document.createElement("div");
    div.className = "msg bot local welcome";
    div.dataset.local = "welcome";
    log.appendChild(div);
    localise(div);
    if (!consented()) showNotice();
    showMenu();
    scrollDown();
  }

  /** The privacy notice at the bottom of the chat (an earlier copy moves there), with its "I agree" button. */
  function showNotice() {
    for (const old of log.querySelectorAll(".notice")) old.remove();
    const div = document.createElement("div");
    div.className = "msg bot local notice";
    div.dataset.local = "notice";
    const p = document.createElement("p");
    p.className = "notice-text";
    div.appendChild(p);
    const group = document.createElement("div");
    group.className = "consent-actions";
    group.setAttribute("role", "group");
    const agreeButton = document.createElement("button");
    agreeButton.type = "button";
    agreeButton.className = "agree";
    agreeButton.addEventListener("click", agree);
    group.appendChild(agreeButton);
    div.appendChild(group);
    log.appendChild(div);
    localise(div);
    scrollDown();
  }

  function agree() {
    store.setItem("chat.consent", CONSENT);
    for (const node of log.querySelectorAll(".notice")) localise(node);
    applyPlaceholder();
    clearAlert();
    const pending = held;
    held = null;
    // The message the notice held back goes now, unless the citizen has changed it meanwhile.
    if (pending && input.value.trim() === pending) {
      input.value = "";
      send({ text: pending });
    }
    input.focus();
  }

  function bookingCard(b) {
    const l = t();
    const card = document.createElement("div");
    card.className = "card";
    card.setAttribute("data-booking-code", b.code);
    const when = new Date(b.start).toLocaleString(locale === "en" ? "en-GB" : "vi-VN", { timeZone: "Asia/Ho_Chi_Minh", weekday: "long", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" });
    for (const [cls, value] of [["label", l.code], ["code", b.code], ["queue", `${l.queue}: ${b.queueNumber}`], ["when", when]]) {
      const div = document.createElement("div");
      div.className = cls;
      div.textContent = value;
      card.appendChild(div);
    }
    log.appendChild(card);
    scrollDown();
  }

  function showActions(list, isMenu) {
    actions.textContent = "";
    menuShown = !!isMenu;
    actions.setAttribute("aria-label", isMenu ? t().menuLabel : t().replies);
    for (const a of list || []) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = a.title;
      b.addEventListener("click", (e) => {
        if (a.type === "openUrl") { window.open(a.value, "_blank", "noopener,noreferrer"); return; }
        keyboardFocus = e.detail === 0;
        send(a.type === "postBack" ? { text: "", value: a.value, display: a.title } : { text: a.value, display: a.title });
      });
      actions.appendChild(b);
    }
  }

  function showMenu() {
    showActions(t().menu, true);
  }

  function render(activity) {
    if (activity.id && seen.has(activity.id)) return;
    if (activity.id) seen.add(activity.id);
    if (activity.type !== "message") return;
    const fromBot = activity.from && activity.from.role === "bot";
    if (activity.text) bubble(fromBot ? "bot" : "user", activity.text);
    if (fromBot && activity.channelData && activity.channelData.booking) bookingCard(activity.channelData.booking);
    if (fromBot) showActions(activity.suggestedActions && activity.suggestedActions.actions, false);
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
    const mine = generation;
    try {
      const r = await fetch(`/api/conversations/${encodeURIComponent(conversationId)}/activities?watermark=${watermark}`, { headers: auth() });
      if (!r.ok || mine !== generation) return;
      const body = await r.json();
      if (mine !== generation) return;
      for (const a of body.activities) render(a);
      watermark = Number(body.watermark) || watermark;
    } catch (e) { /* offline for a moment; the next poll catches up */ }
  }

  async function send(message) {
    const mine = generation;
    const activityId = id();
    seen.add(activityId);
    bubble("user", message.display || message.text);
    showActions([], false);
    clearAlert();
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
      if (mine !== generation) return;
      for (const a of body.activities) render(a);
      await poll();
    } catch (e) {
      if (mine === generation) setAlert("error");
    }
    if (keyboardFocus && mine === generation) {
      keyboardFocus = false;
      (actions.querySelector("button") || input).focus();
    }
  }

  document.getElementById("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (!value) return;
    if (!consented() && hasPersonalNumber(value)) {
      // Not sent: the notice comes again at the bottom, and what was typed stays in the input.
      held = value;
      showNotice();
      setAlert("consentNeeded");
      return;
    }
    input.value = "";
    send({ text: value });
  });

  document.getElementById("lang").addEventListener("click", () => {
    locale = locale === "vi" ? "en" : "vi";
    prefs.setItem("chat.locale", locale);
    applyLocale();
  });

  // Ends this conversation here: the token and the consent are forgotten, the page starts again with the welcome; the
  // next message starts a new conversation.
  document.getElementById("end").addEventListener("click", () => {
    generation++;
    store.removeItem("chat.conversation");
    store.removeItem("chat.token");
    store.removeItem("chat.consent");
    conversationId = null; token = null; watermark = 0; held = null;
    seen.clear();
    log.textContent = "";
    input.value = "";
    clearAlert();
    applyPlaceholder();
    welcome();
  });

  applyLocale();
  welcome();
  poll();
  setInterval(poll, 4000);
})();
