// The sandbox's web chat: plain JavaScript over the emulator's control API.
"use strict";
const state = { people: [], groups: [], me: null, chat: null, version: 0, bot: null };
const $ = (sel) => document.querySelector(sel);

async function api(method, path, body) {
  const res = await fetch(path, {
    method, headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()).result;
}

function toast(text) {
  const el = $("#toast");
  el.textContent = text; el.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { el.hidden = true; }, 3000);
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const c of children) node.append(c);
  return node;
}

async function loadState() {
  const s = await api("GET", "/control/state");
  state.people = s.users; state.groups = s.groups; state.bot = s.bot; state.ownerLink = s.owner_link; state.roles = s.roles || {};
  renderSidebar();
}

const MESSENGERS = { telegram: "Telegram", max: "MAX" };
// a small badge that says the messenger in text (colour only repeats it)
function badge(messenger) {
  const m = messenger === "max" ? "max" : "telegram";
  const node = el("span", { className: `badge ${m}`, textContent: m === "max" ? "MAX" : "TG", title: MESSENGERS[m] });
  node.dataset.testid = "messenger-badge";
  return node;
}

function renderSidebar() {
  $("#owner").hidden = !state.ownerLink;
  $("#owner-link").textContent = state.ownerLink || "";
  const people = $("#people"); people.replaceChildren();
  for (const p of state.people) {
    const role = (state.roles || {})[p.id];
    const li = el("li", {}, badge(p.messenger), ` ${p.first_name}${p.last_name ? " " + p.last_name : ""}${role ? " — " + role : ""} · ${p.language_code}`);
    li.dataset.testid = "person"; li.dataset.id = p.id; li.dataset.messenger = p.messenger || "telegram";
    if (state.me === p.id && state.chat === p.id) li.className = "active";
    li.onclick = () => select(p.id, p.id);
    people.append(li);
  }
  const groups = $("#groups"); groups.replaceChildren();
  for (const g of state.groups) {
    const li = el("li", {}, badge(g.messenger), ` 👥 ${g.title}`);
    li.dataset.testid = "group"; li.dataset.messenger = g.messenger || "telegram";
    if (state.chat === g.id) li.className = "active";
    li.onclick = () => {
      const me = state.people.find((p) => p.id === state.me);
      if (!me) toast("Сначала выберите человека");
      else if ((me.messenger || "telegram") !== (g.messenger || "telegram")) toast(`Эта группа в ${MESSENGERS[g.messenger]}: выберите человека оттуда`);
      else select(state.me, g.id);
    };
    groups.append(li);
  }
}

function title() {
  const me = state.people.find((p) => p.id === state.me);
  const group = state.groups.find((g) => g.id === state.chat);
  const where = me && me.messenger === "max" ? " в MAX" : " в Telegram";
  return me ? `${group ? "👥 " + group.title + where + " — пишет " : "Чат с ботом" + where + " — "}${me.first_name}` : "";
}

function renderTitle() {
  const me = state.people.find((p) => p.id === state.me);
  const chatBadge = $("#chat-badge");
  chatBadge.hidden = !me;
  chatBadge.replaceChildren(...(me ? [badge(me.messenger)] : []));
  $("#chat-title").textContent = title();
}

async function select(userId, chatId) {
  state.me = userId; state.chat = chatId;
  renderTitle();
  renderSidebar();
  await renderMessages();
}

async function renderMessages() {
  if (!state.chat) return;
  const messages = await api("GET", `/control/messages?chat_id=${state.chat}&after=0`);
  const box = $("#messages"); box.replaceChildren();
  let replyKeyboard = null;
  for (const m of messages) {
    if (m.deleted) continue;
    const node = el("div", { className: "msg " + (m.from_bot ? "in" : "out") });
    node.dataset.testid = m.from_bot ? "bot-message" : "my-message";
    if (state.chat < 0) {
      const who = m.from_bot ? state.bot.first_name : (state.people.find((p) => p.id === m.user_id) || {}).first_name;
      node.append(el("div", { className: "who", textContent: who || "" }));
    }
    if (m.photo) node.append(el("img", { src: `/control/files/${m.photo[m.photo.length - 1].file_id}`, alt: "фото" }));
    if (m.document) node.append(el("a", { href: `/control/files/${m.document.file_id}`, textContent: `📄 ${m.document.file_name}`, download: m.document.file_name }));
    if (m.sticker) node.append(el("span", { textContent: m.sticker.emoji + " (стикер)" }));
    const body = el("div", { className: "text" });
    if (m.from_bot) body.innerHTML = m.html || "";  // sanitised by the emulator (Telegram's tag subset only)
    else body.textContent = m.text || "";
    node.append(body);
    if (m.edit_date) node.append(el("div", { className: "edited", textContent: "изменено" }));
    const markup = m.reply_markup || {};
    if (markup.inline_keyboard) node.append(inlineKeyboard(m, markup.inline_keyboard));
    if (m.from_bot && markup.keyboard) replyKeyboard = markup.keyboard;
    if (m.from_bot && markup.remove_keyboard) replyKeyboard = null;
    box.append(node);
  }
  renderReplyKeyboard(replyKeyboard);
  box.scrollTop = box.scrollHeight;
}

const OFF_MARKS = ["▫️", "⬜", "⛔"];
// a keyboard of toggles: some option is marked off, or it ends with «Готово ✔️»
function isToggleGroup(rows) {
  return rows.some((row) => row.some((b) => OFF_MARKS.some((m) => b.text.includes(m)) || b.text.includes("✔️")));
}

function inlineKeyboard(message, rows) {
  const kb = el("div", { className: "kb" });
  const toggles = isToggleGroup(rows);
  for (const row of rows) {
    const r = el("div", { className: "row" });
    for (const b of row) {
      const button = el("button", { type: "button", textContent: b.text });
      button.dataset.testid = "inline-button";
      // a toggle's state in text too, so it reads without an emoji font
      const on = toggles && b.text.includes("✅"), off = toggles && OFF_MARKS.some((m) => b.text.includes(m));
      if (on || off) {
        button.classList.add(on ? "on" : "off");
        button.setAttribute("aria-pressed", on ? "true" : "false");
        button.append(el("span", { className: "state", textContent: on ? " · выбрано" : "" }));
      }
      if (b.max_type) { button.disabled = true; button.title = `Кнопка MAX «${b.max_type}»: в песочнице не нажимается`; }
      else if (b.url) button.onclick = () => window.open(b.url, "_blank", "noopener");
      else button.onclick = () => press(message, b.callback_data);
      r.append(button);
    }
    kb.append(r);
  }
  return kb;
}

function renderReplyKeyboard(rows) {
  const box = $("#reply-keyboard"); box.replaceChildren();
  for (const row of rows || []) {
    const r = el("div", { className: "row" });
    for (const b of row) {
      const text = typeof b === "string" ? b : b.text;
      r.append(el("button", { type: "button", textContent: text, onclick: () => send(text) }));
    }
    box.append(r);
  }
}

async function press(message, data) {
  const { callback_query_id } = await api("POST", "/control/press", {
    user_id: state.me, chat_id: message.chat_id, message_id: message.message_id, data,
  });
  const answer = await api("GET", `/control/callback/${callback_query_id}?wait=10`);
  if (answer && answer.text) toast(answer.text);
}

async function send(text) {
  if (!state.me) { toast("Сначала выберите человека"); return; }
  await api("POST", "/control/send", { user_id: state.me, chat_id: state.chat, text });
}

$("#composer").onsubmit = async (e) => {
  e.preventDefault();
  const input = $("#text");
  if (!input.value.trim()) return;
  const text = input.value; input.value = "";
  $("#menu").hidden = true;
  await send(text);
};

$("#menu-button").onclick = async () => {
  const menu = $("#menu");
  if (!menu.hidden || !state.me) { menu.hidden = true; return; }
  const commands = await api("GET", `/control/commands?user_id=${state.me}`);
  menu.replaceChildren(...commands.map((c) => {
    const item = el("div", {}, el("b", { textContent: "/" + c.command }), " — " + c.description);
    item.dataset.testid = "menu-item";
    item.onclick = () => { menu.hidden = true; send("/" + c.command); };
    return item;
  }));
  if (!commands.length) menu.replaceChildren(el("div", { textContent: "Бот не задал команды" }));
  menu.hidden = false;
};

$("#new-person").onsubmit = async (e) => {
  e.preventDefault();
  const f = e.target;
  const user = await api("POST", "/control/users", { first_name: f.name.value.trim(), language_code: f.lang.value, messenger: f.messenger.value });
  f.reset();
  await loadState();
  await select(user.id, user.id);
};

$("#new-group").onsubmit = async (e) => {
  e.preventDefault();
  if (!state.me) { toast("Сначала выберите человека"); return; }
  const g = await api("POST", "/control/groups", { title: e.target.title.value.trim(), members: [state.me] });
  e.target.reset();
  await loadState();
  await select(state.me, g.id);
};

$("#open-link").onsubmit = async (e) => {
  e.preventDefault();
  if (!state.me) { toast("Сначала выберите человека"); return; }
  await api("POST", "/control/start", { user_id: state.me, payload: e.target.link.value.trim() });
  e.target.reset();
  await select(state.me, state.me);
};

$("#owner-go").onclick = async () => {
  if (!state.me) { toast("Сначала выберите или создайте человека — он станет куратором"); return; }
  await api("POST", "/control/start", { user_id: state.me, payload: state.ownerLink });
  await loadState();
  await select(state.me, state.me);
};

async function live() {
  for (;;) {
    try {
      const { version } = await api("GET", `/control/poll?since=${state.version}&wait=25`);
      if (version !== state.version) {
        state.version = version;
        await loadState();
        await renderMessages();
      }
    } catch (err) {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

loadState().then(live);
