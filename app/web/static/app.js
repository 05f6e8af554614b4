// weframe chat page. Plain JavaScript, no dependencies, no inline script (the CSP forbids it).
// Rule for this file: user text only ever reaches the page through textContent or text nodes,
// never as markup. Every highlight is drawn by markedText(), the one place that turns an
// analysis object (the same JSON the API and the CLI give) into marks.
"use strict";

(function () {
  const CATEGORY_LABELS = {
    blame: "Blame",
    criticism: "Criticism",
    contempt: "Contempt",
    absolute: "Absolute word",
    pressure: "Pressure",
    dismissive: "Dismissive",
    defensive: "Defensive",
    vague: "Vague",
    stigma: "Stigma",
  };
  const MOVE_LABELS = {
    "we-framing": "Spoke as \u201cwe\u201d",
    "explain-why": "Shared the why",
    "acknowledge-concerns": "Acknowledged their worry",
    "suggest-trial": "Suggested one session",
    "give-space": "Gave space",
    "address-concern": "Answered the concern",
  };
  const OUTCOME_TEXT = {
    "agreed-to-try": "Your partner agreed to try one session.",
    "will-think-about-it": "Your partner will think about it.",
    refused: "Your partner said no, for now.",
    "paused-for-safety": "The rehearsal is paused so you can look after your safety first.",
  };
  const ROLE_NAMES = { user: "You", spouse: "Your partner", coach: "Coach" };
  const MODES = {
    check: { label: "Your line", placeholder: "For example: You never listen to me." },
    rewrite: { label: "Your draft", placeholder: "Paste the message you are drafting." },
    rehearse: { label: "What you say to your partner", placeholder: "Say it the way you would." },
  };

  const $ = (id) => document.getElementById(id);
  let mode = "check";
  let busy = false;
  let rehearsal = null; // {id, state}
  let markCounter = 0;
  // Set by the first safety answer, never cleared on this page: a later "I'm fine" changes nothing.
  let safetyActive = false;

  // ---- small DOM helpers (text only) -------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function say(message, kind) {
    const status = $("status");
    status.textContent = message || "";
    status.className = "status" + (kind ? " " + kind : "");
  }

  // ---- the one place that draws marks -----------------------------------------------------
  // Offsets in the analysis are Python code-point offsets; Array.from splits by code point, so
  // emoji and other astral characters line up exactly.
  function markedText(text, findings) {
    const chars = Array.from(text);
    const fragment = document.createDocumentFragment();
    const sorted = (findings || []).slice().sort((a, b) => a.start - b.start);
    let pos = 0;
    for (const finding of sorted) {
      if (finding.start < pos || finding.end <= finding.start || finding.end > chars.length) continue;
      if (finding.start > pos) fragment.append(chars.slice(pos, finding.start).join(""));
      const label = CATEGORY_LABELS[finding.category] || finding.category;
      const mark = el("mark", {
        "data-category": finding.category,
        "data-severity": finding.severity,
        title: label + ": " + finding.message,
        tabindex: "0",
        text: chars.slice(finding.start, finding.end).join(""),
      });
      fragment.append(mark, el("span", { class: "sr-only", text: " (" + label + ": " + finding.message + ")" }));
      pos = finding.end;
    }
    if (pos < chars.length) fragment.append(chars.slice(pos).join(""));
    return fragment;
  }

  function copyButton(getText, label) {
    const button = el("button", { type: "button", class: "copy", text: label || "Copy" });
    button.addEventListener("click", async () => {
      const text = getText();
      try {
        await navigator.clipboard.writeText(text);
      } catch (_err) {
        const area = el("textarea", { class: "sr-only", "aria-hidden": "true", tabindex: "-1" });
        area.value = text;
        document.body.append(area);
        area.select();
        document.execCommand("copy");
        area.remove();
      }
      button.textContent = "Copied";
      say("Copied to the clipboard.");
      setTimeout(() => {
        button.textContent = label || "Copy";
      }, 2000);
    });
    return button;
  }

  function useButton(text) {
    const button = el("button", { type: "button", class: "use", text: "Use this" });
    button.addEventListener("click", () => {
      const box = $("text");
      box.value = text;
      updateCount();
      box.focus();
      say("Put in the box: edit it, then send.");
    });
    return button;
  }

  function choiceList(choices) {
    const list = el("ul", { class: "choices", "aria-label": "Ways to say it instead" });
    for (const choice of choices) list.append(el("li", {}, el("span", { text: choice }), " ", useButton(choice)));
    return list;
  }

  function findingList(analysis) {
    const list = el("ul", { class: "findings", "aria-label": "What could land badly" });
    for (const finding of analysis.findings) {
      const label = CATEGORY_LABELS[finding.category] || finding.category;
      const item = el(
        "li",
        { class: "finding", "data-category": finding.category },
        el("p", { class: "finding-head" },
          el("span", { class: "badge", "data-category": finding.category, text: label }),
          " ",
          el("q", { text: finding.excerpt })),
        el("p", { class: "finding-message", text: finding.message }),
      );
      // The suggestion is advice ("Say how serious it is without the threat: ..."), shown as
      // a tip; the alternatives are whole phrasings, each with a button to use it. (A tip
      // in the box would have to be cleaned up by hand, and it often quotes an alternative.)
      let choices = (finding.alternatives || []).filter(Boolean);
      if (finding.suggestion && choices.length) {
        item.append(el("p", { class: "finding-tip", text: finding.suggestion }));
      } else if (finding.suggestion) {
        choices = [finding.suggestion];
      }
      if (choices.length) {
        item.append(el("p", { class: "choices-title", text: "Try instead:" }), choiceList(choices.slice(0, 2)));
        if (choices.length > 2) {
          item.append(el("details", { class: "more" },
            el("summary", { text: "More ways to say it (" + (choices.length - 2) + ")" }),
            choiceList(choices.slice(2))));
        }
      }
      list.append(item);
    }
    return list;
  }

  function strengthList(analysis) {
    if (!analysis.strengths || !analysis.strengths.length) return null;
    const list = el("ul", { class: "strengths", "aria-label": "What works" });
    for (const strength of analysis.strengths) {
      list.append(el("li", {}, el("q", { text: strength.excerpt }), " \u2014 ", strength.message));
    }
    return el("div", { class: "works" }, el("p", { class: "section-title", text: "What works" }), list);
  }

  function principleChips(analysis) {
    const relevant = (analysis.principles || []).filter((p) => p.status !== "not-applicable");
    if (!relevant.length) return null;
    const list = el("ul", { class: "principles", "aria-label": "The guide's principles" });
    for (const principle of relevant) {
      const met = principle.status === "met";
      list.append(
        el("li", { class: "principle " + (met ? "met" : "missed"), title: principle.note || null },
          el("span", { class: "sr-only", text: met ? "Met: " : "Missed: " }),
          el("span", { "aria-hidden": "true", text: met ? "\u2713 " : "\u25cb " }),
          principle.title),
      );
    }
    return list;
  }

  function summaryLine(analysis) {
    if (!analysis.findings.length) return "Nothing here is likely to land badly.";
    const n = analysis.findings.length;
    return n === 1 ? "One part could land badly." : n + " parts could land badly.";
  }

  // ---- safety -----------------------------------------------------------------------------
  // After a disclosure the page shows the user's own words, the safety note and the contacts:
  // the stylesheet hides every coaching card, the spouse, the openness meter and the way to start
  // a rehearsal (body.safety-active), and new entries get no phrasing advice.
  function enterSafetyMode() {
    safetyActive = true;
    document.body.classList.add("safety-active");
    // earlier lines keep their words but lose the marks and their explanations
    for (const note of document.querySelectorAll(".log .marked .sr-only")) note.remove();
    for (const mark of document.querySelectorAll(".log mark")) mark.replaceWith(mark.textContent);
    if (mode === "rehearse") setComposerEnabled(rehearsal !== null && !rehearsal.state.outcome);
  }

  function showSafety(safety) {
    if (!safety) return;
    enterSafetyMode();
    const box = $("safety");
    $("safety-message").textContent = safety.message;
    const list = $("safety-resources");
    list.replaceChildren();
    for (const resource of safety.resources || []) {
      list.append(el("li", {}, el("strong", { text: resource.name }), ": ", resource.contact));
    }
    box.dataset.level = safety.level;
    box.hidden = false;
    box.focus();
  }

  // ---- network ----------------------------------------------------------------------------
  async function call(method, url, body) {
    const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (_err) {
      throw new Error("weframe could not be reached. Check the connection and try again.");
    }
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch (_err) {
      data = null;
    }
    if (!response.ok) {
      const detail = data && typeof data.detail === "string" ? data.detail : "Something went wrong.";
      const error = new Error(detail);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // ---- check and rewrite ------------------------------------------------------------------
  function rewriteBlock(rewrite, title) {
    return el("div", { class: "rewrite" },
      el("p", { class: "section-title", text: title }),
      el("p", { class: "rewrite-text", text: rewrite }),
      el("div", { class: "rewrite-actions" }, copyButton(() => rewrite), useButton(rewrite)));
  }

  function analysisEntry(analysis, withRewrite) {
    const entry = el("li", { class: "entry" });
    const findings = safetyActive ? [] : analysis.findings;
    entry.append(
      el("div", { class: "bubble user" },
        el("span", { class: "sr-only", text: "You wrote: " }),
        el("p", { class: "marked" }, markedText(analysis.text, findings))),
    );
    if (analysis.safety) {
      // no coaching on phrasing after a disclosure: the safety note above is what matters
      entry.append(el("div", { class: "card safety-pointer" },
        el("p", { class: "summary", text: "What you wrote matters more than how it is phrased. Please read the safety note at the top of the page." })));
      return entry;
    }
    if (safetyActive) {
      entry.append(el("div", { class: "card safety-pointer" },
        el("p", { class: "summary", text: "Phrasing help is paused on this page while your safety comes first. The contacts at the top stay there for you." })));
      return entry;
    }
    const card = el("div", { class: "card", "data-tone": analysis.tone },
      el("p", { class: "summary" }, summaryLine(analysis)));
    if (withRewrite) {
      if (analysis.rewrite) card.append(rewriteBlock(analysis.rewrite, "A gentler version"));
      else if (!analysis.findings.length) {
        card.append(el("p", { class: "note", text: "No rewrite needed: you can send it as it is." }));
      }
      if (analysis.findings.length) {
        card.append(el("details", { class: "why" },
          el("summary", { text: "Why these parts are marked" }), findingList(analysis)));
      }
    } else if (analysis.findings.length) {
      card.append(findingList(analysis));
    }
    const works = strengthList(analysis);
    if (works) card.append(works);
    const chips = principleChips(analysis);
    if (chips) card.append(chips);
    entry.append(card);
    return entry;
  }

  async function sendAnalysis(text, logId, withRewrite) {
    const analysis = await call("POST", "/api/analyze", { text });
    const entry = analysisEntry(analysis, withRewrite);
    $(logId).append(entry);
    showSafety(analysis.safety);
    if (!analysis.safety) entry.scrollIntoView({ block: "start" });
    return true;
  }

  // ---- rehearsal --------------------------------------------------------------------------
  function bubble(role, content) {
    return el("li", { class: "bubble " + role, "data-role": role },
      el("span", { class: "who", text: ROLE_NAMES[role] || role }),
      el("span", { class: "sr-only", text: ": " }),
      content);
  }

  function coachBubble(coach, isSafetyNote) {
    const parts = el("div", { class: "coach-body" });
    const moves = coach.moves || [];
    if (moves.length) {
      const list = el("ul", { class: "moves", "aria-label": "What this turn did" });
      for (const move of moves) {
        const positive = Object.prototype.hasOwnProperty.call(MOVE_LABELS, move);
        list.append(el("li", { class: "move " + (positive ? "good" : "bad"),
          text: MOVE_LABELS[move] || CATEGORY_LABELS[move] || move }));
      }
      parts.append(list);
    }
    for (const note of coach.notes || []) parts.append(el("p", { text: note }));
    if (coach.rewrite) parts.append(rewriteBlock(coach.rewrite, "You could say"));
    const node = bubble("coach", parts);
    if (isSafetyNote) node.classList.add("safety-note");
    return node;
  }

  function textBlock(text) {
    return el("p", { class: "line", text });
  }

  function setState(state) {
    rehearsal.state = state;
    const openness = Math.max(0, Math.min(100, Number(state.openness) || 0));
    $("openness").value = openness;
    $("openness-value").textContent = openness + " of 100";
    $("stage").textContent = state.stage ? "\u00b7 " + String(state.stage).replace(/-/g, " ") : "";
    const over = state.outcome !== null && state.outcome !== undefined;
    setComposerEnabled(!over);
    if (over) {
      const log = $("log-rehearse");
      if (!log.querySelector(".outcome")) {
        log.append(el("li", { class: "outcome", "data-outcome": state.outcome,
          text: OUTCOME_TEXT[state.outcome] || "The rehearsal is over." }));
      }
    }
  }

  const PRINCIPLE_STATUS = { met: "met", missed: "missed", mixed: "partly met", "not-shown": "not shown yet" };

  function renderReport(report, outcome) {
    const box = $("report");
    box.replaceChildren();
    if (!report) {
      box.hidden = true;
      return;
    }
    box.append(el("h2", { id: "report-title", text: "How it went" }));
    if (report.summary) box.append(el("p", { class: "report-summary", text: String(report.summary) }));
    if (outcome === "paused-for-safety") {
      box.hidden = true; // no coaching on persuasion while safety comes first
      return;
    }
    if (report.concern && report.concern.summary) {
      box.append(el("p", { class: "note", text: String(report.concern.summary) }));
    }
    const principles = report.principles || [];
    if (principles.length) {
      box.append(el("h3", { text: "The guide's principles" }));
      const list = el("ul", { class: "report-principles" });
      for (const p of principles) {
        const status = String(p.status || "not-shown");
        list.append(el("li", { class: "principle-row", "data-status": status },
          el("span", { class: "principle " + status, text: PRINCIPLE_STATUS[status] || status }),
          " ",
          el("strong", { text: String(p.title || p.id) }),
          p.note ? el("span", { class: "note", text: " \u2014 " + p.note }) : null));
      }
      box.append(list);
    }
    const best = report.best_line;
    if (best && best.text) {
      box.append(el("h3", { text: "Your best line" }), el("blockquote", { text: String(best.text) }));
      if (best.note) box.append(el("p", { class: "note", text: String(best.note) }));
    }
    const rework = report.rework_line;
    if (rework && rework.text) {
      box.append(el("h3", { text: "The line most worth reworking" }), el("blockquote", { text: String(rework.text) }));
      if (rework.note) box.append(el("p", { class: "note", text: String(rework.note) }));
      const better = rework.rewrite || rework.suggestion;
      if (better) {
        box.append(el("div", { class: "rewrite" },
          el("p", { class: "section-title", text: "Try instead" }),
          el("p", { class: "rewrite-text", text: String(better) }),
          el("div", { class: "rewrite-actions" }, copyButton(() => String(better)))));
      }
    }
    const alternatives = report.alternatives || [];
    if (alternatives.length) {
      box.append(el("h3", { text: "If therapy is off the table for now" }));
      const list = el("ul", { class: "alternatives" });
      for (const a of alternatives) {
        list.append(el("li", { "data-alternative": a.id || null },
          el("strong", { text: String(a.title || a.id || "") + ": " }), String(a.advice || "")));
      }
      box.append(list);
    }
    box.hidden = false;
  }

  function showRehearsal(data) {
    rehearsal = { id: data.id, state: data.state };
    $("scenario-form").hidden = true;
    $("rehearsal").hidden = false;
    $("delete-confirm").hidden = true;
    const log = $("log-rehearse");
    log.replaceChildren();
    for (const message of data.messages || []) {
      const node = bubble(message.role, textBlock(message.text));
      // after a disclosure the server sends only the user's lines and the safety notes
      if (data.safety && message.role === "coach") node.classList.add("safety-note");
      log.append(node);
    }
    const link = new URL("/?r=" + encodeURIComponent(data.id), location.href).href;
    $("resume-link").href = link;
    history.replaceState(null, "", "/?r=" + encodeURIComponent(data.id));
    setState(data.state);
    renderReport(data.report || null, data.state.outcome);
    if (data.safety) showSafety(data.safety);
  }

  async function startRehearsal(scenario) {
    if (safetyActive) return;
    const data = await call("POST", "/api/rehearsals", { scenario });
    showRehearsal(data);
    say("Rehearsal started. Your partner speaks first.");
    $("text").focus();
  }

  async function sendTurn(text) {
    const data = await call("POST", "/api/rehearsals/" + encodeURIComponent(rehearsal.id) + "/turns", { text });
    const log = $("log-rehearse");
    const analysis = data.coach && data.coach.analysis;
    log.append(bubble("user", el("p", { class: "line marked" },
      analysis ? markedText(analysis.text, analysis.findings) : text)));
    if (data.reply) log.append(bubble("spouse", textBlock(data.reply.text)));
    log.append(coachBubble(data.coach || {}, Boolean(analysis && analysis.safety)));
    setState(data.state);
    if (data.report) renderReport(data.report, data.state.outcome);
    if (analysis && analysis.safety) showSafety(analysis.safety);
    else if (data.report) $("report").scrollIntoView({ block: "start" });
    else $("composer").scrollIntoView({ block: "end" });
    return true;
  }

  async function resume(id) {
    switchMode("rehearse", false);
    try {
      const data = await call("GET", "/api/rehearsals/" + encodeURIComponent(id));
      showRehearsal(data);
      say("Welcome back. Your rehearsal is where you left it.");
    } catch (error) {
      history.replaceState(null, "", "/");
      say(error.status === 404 ? "That rehearsal is no longer available." : error.message, "error");
    }
  }

  function resetRehearsal() {
    rehearsal = null;
    $("rehearsal").hidden = true;
    $("scenario-form").hidden = false;
    $("log-rehearse").replaceChildren();
    renderReport(null, null);
    history.replaceState(null, "", "/");
    setComposerEnabled(false);
  }

  async function deleteRehearsal() {
    if (!rehearsal) return;
    await call("DELETE", "/api/rehearsals/" + encodeURIComponent(rehearsal.id));
    resetRehearsal();
    say("The rehearsal was deleted.");
    $("scenario-form").querySelector("input").focus();
  }

  // ---- composer and modes -----------------------------------------------------------------
  function setComposerEnabled(enabled) {
    $("text").disabled = !enabled;
    $("send").disabled = !enabled;
    // in rehearse mode the box only shows while there is a conversation to continue
    $("composer").hidden = mode === "rehearse" && !enabled;
  }

  function updateCount() {
    const box = $("text");
    const max = Number(box.dataset.max);
    const length = Array.from(box.value).length;
    const count = $("count");
    count.textContent = length + " / " + max;
    count.classList.toggle("over", length > max);
  }

  function switchMode(next, focusTab) {
    mode = next;
    for (const tab of document.querySelectorAll('[role="tab"]')) {
      const selected = tab.dataset.mode === next;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
      $(tab.getAttribute("aria-controls")).hidden = !selected;
      if (selected && focusTab) tab.focus();
    }
    $("text-label").textContent = MODES[next].label;
    $("text").placeholder = MODES[next].placeholder;
    $("text").rows = next === "rewrite" ? 6 : 3;
    setComposerEnabled(next !== "rehearse" || (rehearsal !== null && !rehearsal.state.outcome));
    say("");
  }

  async function submit() {
    if (busy) return;
    const box = $("text");
    const text = box.value;
    if (!text.trim()) {
      say("Type something first.", "error");
      box.focus();
      return;
    }
    busy = true;
    $("send").setAttribute("aria-busy", "true");
    say("Sending\u2026");
    try {
      if (mode === "check") await sendAnalysis(text, "log-check", false);
      else if (mode === "rewrite") await sendAnalysis(text, "log-rewrite", true);
      else if (rehearsal) await sendTurn(text);
      box.value = "";
      updateCount();
      say("");
    } catch (error) {
      say(error.message, "error");
    } finally {
      busy = false;
      $("send").removeAttribute("aria-busy");
      if (!box.disabled) box.focus();
    }
  }

  function onTabKey(event) {
    const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
    const index = tabs.indexOf(event.currentTarget);
    let next = null;
    if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
    else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
    else if (event.key === "Home") next = tabs[0];
    else if (event.key === "End") next = tabs[tabs.length - 1];
    if (next) {
      event.preventDefault();
      switchMode(next.dataset.mode, true);
    }
  }

  function showHelp(event) {
    event.preventDefault(); // no navigation and no history entry: what is typed stays on the page
    const help = $("help");
    help.hidden = false;
    help.scrollIntoView({ block: "start" });
    help.focus();
  }

  function quickExit() {
    const url = $("quick-exit").dataset.url || "about:blank";
    document.title = "";
    document.body.replaceChildren();
    location.replace(url);
  }

  function wire() {
    $("quick-exit").addEventListener("click", quickExit);
    $("help-link").addEventListener("click", showHelp);
    $("help-close").addEventListener("click", () => {
      $("help").hidden = true;
      $("help-link").focus();
    });
    for (const tab of document.querySelectorAll('[role="tab"]')) {
      tab.addEventListener("click", () => switchMode(tab.dataset.mode, false));
      tab.addEventListener("keydown", onTabKey);
    }
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });
    $("text").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
    $("text").addEventListener("input", updateCount);
    $("scenario-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const choice = $("scenario-form").querySelector('input[name="scenario"]:checked');
      if (!choice || busy) return;
      busy = true;
      try {
        await startRehearsal(choice.value);
      } catch (error) {
        say(error.message, "error");
      } finally {
        busy = false;
      }
    });
    $("new-rehearsal").addEventListener("click", () => {
      resetRehearsal();
      say("Pick who you would like to practise with.");
      $("scenario-form").querySelector("input").focus();
    });
    $("delete-rehearsal").addEventListener("click", () => {
      $("delete-confirm").hidden = false;
      $("delete-yes").focus();
    });
    $("delete-no").addEventListener("click", () => {
      $("delete-confirm").hidden = true;
      $("delete-rehearsal").focus();
    });
    $("delete-yes").addEventListener("click", () => {
      deleteRehearsal().catch((error) => say(error.message, "error"));
    });
    const copyResume = copyButton(() => $("resume-link").href, "copy link");
    copyResume.id = "copy-resume";
    copyResume.classList.add("link-button");
    $("copy-resume").replaceWith(copyResume);
    $("resume-link").addEventListener("click", (event) => {
      event.preventDefault();
      say("This is the link to come back to this rehearsal in this browser.");
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    wire();
    switchMode("check", false);
    updateCount();
    const resumeId = new URLSearchParams(location.search).get("r");
    if (resumeId) resume(resumeId);
  });
})();
