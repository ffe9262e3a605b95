// "Try the bot": send what the person types or presses to the web channel (POST /try/api) and show the answers.
"use strict";
(function () {
  const root = document.getElementById("try");
  if (!root) return;
  const chat = document.getElementById("try-chat");
  const form = document.getElementById("try-form");
  const input = document.getElementById("try-text");
  const lang = document.getElementById("try-lang");
  const restart = document.getElementById("try-restart");
  // Telegram's message HTML: the only tags and attributes copied from an answer.
  const ALLOWED = new Set(["B", "STRONG", "I", "EM", "U", "INS", "S", "STRIKE", "DEL", "CODE", "PRE", "A",
    "BLOCKQUOTE", "SPAN", "TG-SPOILER", "BR"]);
  let busy = false;

  function bubble(mine) {
    const node = document.createElement("div");
    node.className = mine ? "bubble mine" : "bubble";
    chat.appendChild(node);
    return node;
  }

  function say(text) {
    bubble(true).textContent = text; // what the tester typed is shown as text, never as HTML
  }

  // The HTML comes only from /try/api, that is from the bot's own renderer, which escapes all content. It is still
  // parsed into an inert document and copied element by element, keeping only Telegram's formatting tags and
  // http(s) links, so nothing in it can run here even if that ever changed.
  function copyInto(target, source) {
    for (const node of Array.from(source.childNodes)) {
      if (node.nodeType === Node.TEXT_NODE) {
        target.appendChild(document.createTextNode(node.textContent));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        if (!ALLOWED.has(node.tagName)) {
          copyInto(target, node);
          continue;
        }
        const copy = document.createElement(node.tagName === "TG-SPOILER" ? "span" : node.tagName.toLowerCase());
        if (node.tagName === "A") {
          const href = node.getAttribute("href") || "";
          if (/^(https?:|tg:|mailto:|tel:)/i.test(href)) {
            copy.setAttribute("href", href);
            copy.setAttribute("target", "_blank");
            copy.setAttribute("rel", "noopener noreferrer");
          }
        }
        copyInto(copy, node);
        target.appendChild(copy);
      }
    }
  }

  function keyboard(rows) {
    const box = document.createElement("div");
    box.className = "keyboard";
    for (const row of rows) {
      const line = document.createElement("div");
      line.className = "row";
      for (const button of row) {
        if (button.url) {
          const link = document.createElement("a");
          link.className = "button";
          if (/^(https?:|tg:)/i.test(button.url)) link.href = button.url; // the same rule as links in text
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          link.textContent = button.text + " ↗";
          line.appendChild(link);
        } else {
          const press = document.createElement("button");
          press.type = "button";
          press.dir = "auto"; // an Arabic label reads right to left, as in Telegram
          press.textContent = button.text;
          press.addEventListener("click", () => {
            say(button.text);
            send({ press: button.data });
          });
          line.appendChild(press);
        }
      }
      box.appendChild(line);
    }
    return box;
  }

  function show(messages) {
    for (const message of messages) {
      const node = bubble(false);
      const parsed = new DOMParser().parseFromString(message.html, "text/html");
      copyInto(node, parsed.body);
      if (message.buttons && message.buttons.length) node.appendChild(keyboard(message.buttons));
    }
    chat.scrollTop = chat.scrollHeight;
  }

  async function send(body) {
    if (busy) return;
    busy = true;
    root.setAttribute("aria-busy", "true");
    try {
      const headers = { "Content-Type": "application/json", "Accept": "application/json",
        "X-CSRF-Token": root.dataset.csrf };
      if (lang.value) headers["Accept-Language"] = lang.value;
      const response = await fetch(root.dataset.api, {
        method: "POST", headers: headers, body: JSON.stringify(body), credentials: "same-origin",
      });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.error || response.statusText);
      show(answer.messages || []);
    } catch (error) {
      const node = bubble(false);
      node.classList.add("error");
      node.textContent = root.dataset.error + " (" + error.message + ")";
    } finally {
      busy = false;
      root.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    say(text);
    send({ say: text });
  });
  restart.addEventListener("click", () => {
    chat.replaceChildren();
    say("/start");
    send({ start: "" });
  });
  send({ start: "" });
})();
