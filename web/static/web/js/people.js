// Members' pages. Optional: every control here is also a plain form (the Up and Down buttons move a film without
// this script), and htmx does the in-place updates. This adds two things: the focus follows a control that htmx
// swapped in whole, and the owner of a list can drag its films into a new order.
"use strict";

(() => {
  // htmx swaps some controls whole (outerHTML): the element that asks for the focus is the new one, which
  // site.js's handler (looking inside the old target) does not see.
  document.addEventListener("htmx:afterSwap", (event) => {
    const swapped = event.target;
    if (!(swapped instanceof Element) || !document.contains(swapped)) {
      return;
    }
    const wanted = swapped.matches("[data-autofocus]") ? swapped : swapped.querySelector("[data-autofocus]");
    // htmx wires up what it swapped in only when it settles (20 ms later; longer on a busy page). A key pressed
    // on the focused control before that would post its form the plain way: a whole new page, the place lost. So
    // wire it up now, before the keyboard has it (htmx does not wire an element twice).
    if ((wanted || swapped.contains(document.activeElement)) && window.htmx) {
      window.htmx.process(swapped);
    }
    if (wanted && document.activeElement !== wanted) {
      wanted.focus();
    }
  });

  // --- Drag and drop in a list: dropping a film on another puts it at that one's position -------------------
  let dragged = null;

  const itemOf = (node) => (node instanceof Element ? node.closest("[data-move-url]") : null);

  const say = (text, error = false) => {
    const status = document.getElementById("people-status");
    if (status) {
      status.replaceChildren();
      const line = document.createElement("p");
      line.className = error ? "message message-error" : "message message-success";
      line.textContent = text;
      status.append(line);
    }
  };

  const clearTargets = () => {
    document.querySelectorAll(".drop-target").forEach((node) => node.classList.remove("drop-target"));
  };

  document.addEventListener("dragstart", (event) => {
    const item = itemOf(event.target);
    if (!item) {
      return;
    }
    dragged = item;
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.title || "");
  });

  document.addEventListener("dragover", (event) => {
    const over = itemOf(event.target);
    if (!dragged || !over || over === dragged || over.parentElement !== dragged.parentElement) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!over.classList.contains("drop-target")) {
      clearTargets();
      over.classList.add("drop-target");
    }
  });

  document.addEventListener("dragend", () => {
    if (dragged) {
      dragged.classList.remove("dragging");
    }
    dragged = null;
    clearTargets();
  });

  document.addEventListener("drop", (event) => {
    const over = itemOf(event.target);
    if (!dragged || !over || over === dragged || over.parentElement !== dragged.parentElement) {
      return;
    }
    event.preventDefault();
    const item = dragged;
    const from = Number(item.dataset.position);
    const to = Number(over.dataset.position);
    // At once, then as the server has it.
    over.insertAdjacentElement(to < from ? "beforebegin" : "afterend", item);
    clearTargets();
    move(item, to);
  });

  async function move(item, position) {
    const form = item.querySelector("form");
    const token = form ? form.querySelector("[name=csrfmiddlewaretoken]") : null;
    const body = new FormData();
    body.append("position", String(position));
    const page = form ? form.querySelector("[name=page]") : null;
    if (page) {
      body.append("page", page.value);
    }
    try {
      const response = await fetch(item.dataset.moveUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", "HX-Request": "true" },
      });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      replaceRegion(await response.text(), item.id);
    } catch (error) {
      say("The film could not be moved. Reload the page and try again.", true);
    }
  }

  // The answer is the list's films drawn again and the news for the live region.
  function replaceRegion(html, itemId) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const fresh = template.content.getElementById("list-items-region");
    const current = document.getElementById("list-items-region");
    if (fresh && current) {
      current.replaceWith(fresh);
      if (window.htmx) {
        window.htmx.process(fresh);
      }
      const moved = document.getElementById(itemId);
      const handle = moved && moved.querySelector("button:not([disabled])");
      if (handle) {
        handle.focus();
      }
    }
    const news = template.content.getElementById("people-status");
    if (news) {
      say(news.textContent.trim(), news.classList.contains("live-status-error"));
    }
  }
})();
