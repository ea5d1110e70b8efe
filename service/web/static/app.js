/* Program managers' page: plain JavaScript, no build step, no third-party code.
 *
 * The page is a client of the public API like any other: it sends the API key the user typed
 * (kept in sessionStorage only) as X-API-Key, the chosen language as Accept-Language, and shows
 * the API's answers. All text comes from the message catalogs the server embeds in the page.
 */
(() => {
  "use strict";

  const config = JSON.parse(document.getElementById("page-config").textContent);
  const KEY_STORAGE = "umkm.apiKey";
  const LANG_STORAGE = "umkm.lang";
  const MAX_PROBLEMS_SHOWN = 200;
  const SVG_NS = "http://www.w3.org/2000/svg";

  const state = {
    lang: config.defaultLanguage,
    result: null, // last successful upload response
    lastSubmission: null, // {file, options, ...} of the last upload, sent again on a language switch
    lastError: null, // {status, body} of the last failed upload, re-rendered on a language switch
    // The preview on screen: {file, options (the form's), signature, seed (its draw's, or null)},
    // what "Issue this list" sends again.
    preview: null,
    // A list issued before and answered again instead of a second one: {listId, issuedAt,
    // request}, request being what "Issue as a new list" sends with a new key.
    repeat: null,
    // The same file and settings issued before by anyone (the server's 409
    // `list_already_issued`): {listId, createdAt, createdBy, request}, request being what "Issue
    // as a new list" sends again with `repeat`.
    serverRepeat: null,
    busy: false, // an upload is on its way: its buttons wait
    staleSaid: false, // the preview on screen was said to be out of date
    // {signature, key} of an outcomes file whose answer never came (a network error) or was
    // "still being answered" (409): the same file for the same list again reuses its
    // Idempotency-Key. (A candidates file's keys are kept in localStorage: `issuedUploads`.)
    outcomesUnanswered: null,
    // The outcomes refusal on screen: {key} (the page's words) or {status, body, lang (of its
    // words), sending: {file, listId}}; its problems download from it.
    outcomesError: null,
    // A catalog key the outcomes section says (a refused file that now passes its check),
    // reworded on a language switch.
    outcomesNotice: null,
    outcomesTurn: 0, // sendings of outcomes files: only the latest one's answer is shown
    sort: { key: "rank", dir: "asc" },
    filters: { search: "", province: "", sector: "", segment: "" },
    page: 0,
    pageSize: 50,
    announceNext: false, // move focus to the result when it comes from a new submission
  };
  const NUMBER_DELAY_MS = 250;
  const OPTION_ERRORS = ["invalid_options", "infeasible_constraints", "solver_time_limit"];
  // Answers that refuse an outcomes file for what it holds (the same file is refused again).
  const FILE_REFUSALS = [400, 404, 413, 415, 422];

  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------------ language and numbers

  function t(key, args) {
    const catalog = config.catalogs[state.lang] || {};
    let text = catalog[key] ?? config.catalogs[config.defaultLanguage][key] ?? key;
    if (args) {
      text = text.replace(/\{(\w+)\}/g, (whole, name) => (name in args ? String(args[name]) : whole));
    }
    return text;
  }

  function locale() {
    return t("locale");
  }

  function fmtNumber(value, digits = 1) {
    return new Intl.NumberFormat(locale(), {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  }

  function fmtInt(value) {
    return new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(value);
  }

  function fmtPercent(value, digits = 1) {
    return new Intl.NumberFormat(locale(), {
      style: "percent",
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  }

  // A difference of two chances, in percentage points: +12,3 (id) or +12.3 (en).
  function fmtPoints(value) {
    return new Intl.NumberFormat(locale(), {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
      signDisplay: "exceptZero",
    }).format(100 * value);
  }

  function fmtBytes(bytes) {
    return bytes >= 1e6 ? `${fmtNumber(bytes / 1e6)} MB` : `${fmtNumber(bytes / 1e3)} kB`;
  }

  function valueLabel(column, value) {
    if (value === null || value === undefined || value === "") return "–";
    if (column === "province_code") return config.provinceNames[value] || value;
    if (column === "segment") return t(`segment.${value}`);
    const key = `value.${value}`;
    const label = t(key);
    return label === key ? String(value) : label;
  }

  // Message arguments that differ by language (the required columns' headers) are given as
  // {"id": ..., "en": ...}: the page's language picks one.
  function inLanguage(args) {
    const out = {};
    for (const [name, value] of Object.entries(args)) {
      const byLanguage = value !== null && typeof value === "object" && !Array.isArray(value);
      out[name] = byLanguage ? value[state.lang] ?? value.en : value;
    }
    return out;
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-i18n]").forEach((node) => {
      const args = node.dataset.i18nArgs ? inLanguage(JSON.parse(node.dataset.i18nArgs)) : undefined;
      node.textContent = t(node.dataset.i18n, args);
    });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((node) => {
      node.placeholder = t(node.dataset.i18nPlaceholder);
    });
    document.querySelectorAll("button.lang").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
    });
    $("upload-limit").textContent = t("upload.limit", {
      rows: fmtInt(config.maxRows),
      size: fmtBytes(config.maxUploadBytes),
    });
    showKeyStatus();
    showFileName();
    relabelOptionRows();
    renderColumns();
    for (const link of [$("how-link"), $("how-link-foot")]) {
      link.href = `${config.endpoints.how}?lang=${state.lang}`;
    }
    $("template-link").href = `${config.endpoints.template}?lang=${state.lang}`;
    document.querySelectorAll("input[data-number]").forEach((input) => checkNumber(input));
    if (state.result) renderResult(state.result);
    if (state.lastError) renderError(state.lastError.status, state.lastError.body);
    if (state.serverRepeat) renderServerRepeat();
    if (state.outcomesError) outcomesError(state.outcomesError);
    if (state.outcomesNotice) $("outcomes-result").textContent = t(state.outcomesNotice);
    if (state.issued) renderIssued(state.issued);
    if (state.drift) renderDrift(state.drift);
  }

  function setLanguage(lang) {
    if (!config.languages.includes(lang) || lang === state.lang) return;
    state.lang = lang;
    try {
      localStorage.setItem(LANG_STORAGE, lang);
    } catch (_) {
      /* storage may be disabled; the switch still works for this page */
    }
    applyLanguage();
    // Reasons and server messages are worded by the API: ask again in the new language. A
    // recorded list is read back from the records (sending its file again would record
    // another list, with another draw); a preview is built again with its draw (its seed), so
    // it stays the list it was; a refused upload is sent again.
    if (state.result && state.result.list_id) {
      reload(state.result.list_id);
    } else if (state.result && state.preview) {
      const preview = state.preview;
      const sent = previewSent(preview);
      submit({
        file: preview.file, options: sent, text: JSON.stringify(sent), signature: preview.signature,
        base: preview.options, preview: true,
      }, t("working_lang"));
    } else if (state.lastSubmission && state.lastError) {
      submit(state.lastSubmission, t("working_lang"));
    }
    resendRefusedOutcomes();
    if (state.issued) loadIssued(); // each list's settings are worded by the API
  }

  // ------------------------------------------------------------------ API key (session only)

  function apiKey() {
    try {
      return sessionStorage.getItem(KEY_STORAGE) || "";
    } catch (_) {
      return $("api-key").value.trim();
    }
  }

  // Each file picker (the candidates', the outcomes') names its chosen file beside its button.
  const FILE_PICKERS = [["file", "file-name"], ["outcomes-file", "outcomes-file-name"]];

  function showFileName() {
    for (const [input, name] of FILE_PICKERS) {
      const file = $(input).files[0];
      const label = $(name);
      if (file) {
        label.removeAttribute("data-i18n");
        label.textContent = `${file.name} (${fmtBytes(file.size)})`;
      } else {
        label.dataset.i18n = "upload.no_file";
        label.textContent = t("upload.no_file");
      }
    }
  }

  function showKeyStatus() {
    $("key-status").textContent = apiKey() ? t("key.saved") : t("key.none");
  }

  function saveKey(event) {
    event.preventDefault();
    const value = $("api-key").value.trim();
    try {
      if (value) sessionStorage.setItem(KEY_STORAGE, value);
      else sessionStorage.removeItem(KEY_STORAGE);
    } catch (_) {
      /* without sessionStorage the key is read from the field on each request */
    }
    $("api-key").value = "";
    showKeyStatus();
    loadIssued();
    checkDrift();
  }

  function clearKey() {
    try {
      sessionStorage.removeItem(KEY_STORAGE);
    } catch (_) {
      /* nothing stored */
    }
    $("api-key").value = "";
    showKeyStatus();
  }

  // ------------------------------------------------------------------ options form

  function makeSelect(options, selected) {
    const select = document.createElement("select");
    for (const [value, label] of options) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = label;
      if (value === selected) option.selected = true;
      select.append(option);
    }
    return select;
  }

  function labelled(labelKey, control) {
    const wrap = document.createElement("div");
    const label = document.createElement("label");
    const text = document.createElement("span");
    text.dataset.i18n = labelKey;
    text.textContent = t(labelKey);
    label.append(text, document.createElement("br"), control);
    wrap.append(label);
    return wrap;
  }

  function removeButton(row) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.dataset.i18n = "options.remove";
    button.textContent = t("options.remove");
    button.addEventListener("click", () => row.remove());
    return button;
  }

  function provinceOptions() {
    return config.provinces.map((p) => [p.code, `${p.code} – ${p.name}`]);
  }

  function addQuotaRow() {
    const row = document.createElement("div");
    row.className = "dyn-row quota-row";
    const province = makeSelect(provinceOptions());
    province.className = "quota-province";
    const slots = numberInput("integer", "quota-slots");
    row.append(labelled("options.province", province), labelled("options.max_slots", slots),
      understoodFor(slots), removeButton(row));
    $("quota-rows").append(row);
  }

  function shareValueOptions(column) {
    if (column === "province_code") return provinceOptions();
    return (config.minShareValues[column] || []).map((value) => [value, valueLabel(column, value)]);
  }

  function addShareRow() {
    const row = document.createElement("div");
    row.className = "dyn-row share-row";
    const columns = Object.keys(config.minShareValues);
    const column = makeSelect(columns.map((c) => [c, t(`dim.${c}`)]), "owner_gender");
    column.className = "share-column";
    let value = makeSelect(shareValueOptions("owner_gender"), "female");
    value.className = "share-value";
    const valueWrap = labelled("options.value", value);
    column.addEventListener("change", () => {
      const fresh = makeSelect(shareValueOptions(column.value));
      fresh.className = "share-value";
      value.replaceWith(fresh);
      value = fresh;
    });
    const share = numberInput("share", "share-percent");
    share.value = "50";
    row.append(labelled("options.column", column), valueWrap, labelled("options.share", share),
      understoodFor(share), removeButton(row));
    $("share-rows").append(row);
    checkNumber(share);
  }

  function relabelOptionRows() {
    document.querySelectorAll(".share-row").forEach((row) => {
      const column = row.querySelector(".share-column");
      for (const option of column.options) option.textContent = t(`dim.${option.value}`);
      const value = row.querySelector(".share-value");
      const labels = new Map(shareValueOptions(column.value));
      for (const option of value.options) option.textContent = labels.get(option.value) ?? option.value;
    });
  }

  // ------------------------------------------------------------------ numbers as typed

  // Numbers are sent as typed ("1.000", "Rp 500.000.000", "70,5"): the server reads them the
  // Indonesian way and echoes them as understood. While typing, the same reader says beside
  // each field what it will read.
  let numberSerial = 0;

  function numberInput(kind, className) {
    const input = document.createElement("input");
    input.type = "text";
    input.inputMode = "decimal";
    input.autocomplete = "off";
    input.className = className;
    input.dataset.number = kind;
    numberSerial += 1;
    input.id = `${className}-${numberSerial}`;
    input.addEventListener("input", () => scheduleNumberCheck(input));
    return input;
  }

  function understoodFor(input) {
    const out = document.createElement("p");
    out.className = "understood";
    out.id = `${input.id}-understood`;
    input.setAttribute("aria-describedby", out.id);
    return out;
  }

  // A share field is labelled "%": what is typed there is a percentage (50 means 50%).
  function numberText(input) {
    const text = input.value.trim();
    if (text === "" || input.dataset.number !== "share") return text;
    return text.endsWith("%") ? text : `${text}%`;
  }

  function scheduleNumberCheck(input) {
    clearTimeout(input.numberTimer);
    input.numberTimer = setTimeout(() => checkNumber(input), NUMBER_DELAY_MS);
  }

  async function checkNumber(input) {
    const out = document.getElementById(`${input.id}-understood`);
    if (!out) return;
    const text = numberText(input);
    if (text === "") {
      out.textContent = "";
      out.classList.remove("bad");
      input.removeAttribute("aria-invalid");
      return;
    }
    const query = new URLSearchParams({ text, kind: input.dataset.number, lang: state.lang });
    // A list option's field (capacity, budget) is also checked against the option's bounds.
    if (input.dataset.option) query.set("option", input.dataset.option);
    const asked = `${query}`;
    input.dataset.asked = asked;
    let body;
    try {
      const response = await fetch(`${config.endpoints.number}?${query}`);
      body = await response.json();
    } catch (_) {
      return;
    }
    if (input.dataset.asked !== asked) return; // a later keystroke asked again
    out.classList.toggle("bad", !body.ok);
    if (body.ok) input.removeAttribute("aria-invalid");
    else input.setAttribute("aria-invalid", "true");
    out.textContent = body.ok ? t("number.understood", { value: body.understood }) : (body.problem || "");
  }

  function numberOrNull(input) {
    const text = numberText(input);
    return text === "" ? null : text;
  }

  function readOptions() {
    const capacity = numberOrNull($("capacity"));
    if (capacity === null) {
      throw new Error(t("error.capacity"));
    }
    const quotas = {};
    const quotaAll = numberOrNull($("quota-all"));
    if (quotaAll !== null) for (const p of config.provinces) quotas[p.code] = quotaAll;
    document.querySelectorAll(".quota-row").forEach((row) => {
      const slots = numberOrNull(row.querySelector(".quota-slots"));
      if (slots !== null) quotas[row.querySelector(".quota-province").value] = slots;
    });
    const minShare = [];
    document.querySelectorAll(".share-row").forEach((row) => {
      const percent = numberOrNull(row.querySelector(".share-percent"));
      if (percent === null) return;
      minShare.push({
        column: row.querySelector(".share-column").value,
        value: row.querySelector(".share-value").value,
        share: percent,
      });
    });
    const costColumn = $("cost-column").value.trim();
    return {
      capacity,
      quotas: Object.keys(quotas).length ? quotas : null,
      min_share: minShare,
      exclude_digital: $("exclude-digital").checked,
      only_beneficial: $("only-beneficial").checked,
      cost_column: costColumn || null,
      budget: numberOrNull($("budget")),
      exploration_share: explorationShare(),
    };
  }

  // The share of slots drawn at random, typed in percent (10, "10%", "7,5").
  function explorationShare() {
    const text = $("exploration").value.trim().replace("%", "").replace(",", ".");
    if (text === "") return config.defaultExplorationShare;
    const percent = Number(text);
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
      throw new Error(t("error.exploration", { text: $("exploration").value.trim() }));
    }
    return percent / 100;
  }

  // ------------------------------------------------------------------ upload: preview and issue

  // A preview (POST /v1/prioritize/upload) builds the list and records nothing; issuing
  // (POST /v1/lists/upload) records it. "Issue this list" sends the previewed file and settings
  // again with the preview's draw (its seed), so the list recorded is the list previewed.

  // Uploads issued, remembered for a day in localStorage (the server answers a key's request
  // again for 24 hours): the same file and settings issued again, after a reload too, are sent
  // as they were, with their Idempotency-Key, and the server answers the list it recorded
  // instead of recording a second one. Each: {signature, key, options (the JSON sent), listId,
  // issuedAt, file, at}; listId null: sent, answer not (yet) seen (a dropped connection, a 409).
  const ISSUED_STORAGE = "umkm.issuedUploads";
  const ISSUED_KEEP_MS = 24 * 60 * 60 * 1000;
  const ISSUED_KEPT = 50;
  const issuedHere = []; // without localStorage: this page's own uploads

  function issuedUploads() {
    let entries;
    try {
      entries = JSON.parse(localStorage.getItem(ISSUED_STORAGE) || "[]");
    } catch (_) {
      entries = issuedHere;
    }
    const now = Date.now();
    return (Array.isArray(entries) ? entries : [])
      .filter((entry) => entry && typeof entry.at === "number" && now - entry.at < ISSUED_KEEP_MS);
  }

  function keepIssuedUploads(entries) {
    const kept = entries.slice(-ISSUED_KEPT);
    issuedHere.splice(0, issuedHere.length, ...kept);
    try {
      localStorage.setItem(ISSUED_STORAGE, JSON.stringify(kept));
    } catch (_) {
      /* storage disabled or full: the page still remembers its own uploads */
    }
  }

  function recallIssue(signature) {
    return issuedUploads().find((entry) => entry.signature === signature) || null;
  }

  function rememberIssue(entry) {
    keepIssuedUploads([...issuedUploads().filter((e) => e.signature !== entry.signature), entry]);
  }

  function forgetIssue(signature) {
    keepIssuedUploads(issuedUploads().filter((e) => e.signature !== signature));
  }

  // The form's file and settings, ready to send; null (the reason shown) when they are not.
  function formUpload() {
    const file = $("file").files[0];
    if (!apiKey() && $("api-key").value.trim()) saveKey(new Event("submit"));
    let refusal = null;
    if (!apiKey()) refusal = t("key.missing");
    else if (!file) refusal = t("error.no_file");
    else if (file.size > config.maxUploadBytes) {
      refusal = t("error.too_large", { size: fmtBytes(file.size), limit: fmtBytes(config.maxUploadBytes) });
    }
    if (refusal !== null) {
      showLocalError(refusal);
      return null;
    }
    try {
      return { file, options: readOptions() };
    } catch (error) {
      showLocalError(error.message, "invalid_options");
      return null;
    }
  }

  // The form's button issues what the form holds; while a preview of exactly that is on
  // screen, it issues that preview (its draw), as "Issue this list" does.
  function onSubmit(event) {
    event.preventDefault();
    const upload = formUpload();
    if (!upload) return;
    state.announceNext = true;
    const previewed = state.result && !state.result.list_id && previewCurrent();
    const sent = previewed ? previewSent(state.preview) : upload.options;
    issue({ file: upload.file, options: upload.options, sent }, false);
  }

  function onPreview() {
    const upload = formUpload();
    if (!upload) return;
    state.announceNext = true;
    const { file, options } = upload;
    submit({
      file, options, text: JSON.stringify(options), signature: uploadSignature(file, options),
      base: options, preview: true,
    }, t("working_preview"));
  }

  // The previewed list, issued: its file and settings with its draw's seed.
  function onIssuePreview() {
    const preview = state.preview;
    if (!preview || !previewCurrent()) {
      refreshPreview();
      return;
    }
    if (!apiKey()) return showLocalError(t("key.missing"));
    state.announceNext = true;
    issue({ file: preview.file, options: preview.options, sent: previewSent(preview) }, false);
  }

  // The list answered again instead of a second one, issued anyway: a new key, a new list.
  function onIssueNew() {
    const repeat = state.repeat;
    if (!repeat) return;
    if (!apiKey()) return showLocalError(t("key.missing"));
    state.announceNext = true;
    issue(repeat.request, true);
  }

  // The server's repeat guard named a list issued before (from this or another device): "Issue
  // as a new list" records one anyway; "Open that list" shows the earlier one.
  function onIssueNewServer() {
    const repeat = state.serverRepeat;
    if (!repeat) return;
    if (!apiKey()) return showLocalError(t("key.missing"));
    state.announceNext = true;
    issue(repeat.request, true);
  }

  function onOpenEarlier() {
    const repeat = state.serverRepeat;
    if (!repeat) return;
    reopen({ list_id: repeat.listId, created_at: repeat.createdAt });
  }

  function hideServerRepeat() {
    state.serverRepeat = null;
    $("server-repeat").hidden = true;
  }

  function renderServerRepeat() {
    const repeat = state.serverRepeat;
    $("server-repeat").hidden = !repeat;
    if (!repeat) return;
    const by = repeat.createdBy === "page" ? t("repeat.by_page") : repeat.createdBy;
    $("server-repeat-text").textContent = t("repeat.server_text", {
      date: fmtDate(repeat.createdAt), by, id: shortId(repeat.listId),
    });
  }

  function previewSent(preview) {
    return preview.seed === null ? preview.options : { ...preview.options, exploration_seed: preview.seed };
  }

  // Issue a list. `request`: {file, options (the form's: they and the file sign the upload),
  // sent (what is sent: a preview's adds its seed)}. An upload issued before, within a day, is
  // sent again as it was, with its key, unless `fresh` (a second list on purpose: sent with
  // `repeat`, so the server's repeat guard lets it through).
  function issue(request, fresh) {
    const signature = uploadSignature(request.file, request.options);
    const before = fresh ? null : recallIssue(signature);
    const text = before ? before.options : JSON.stringify(request.sent);
    submit({
      file: request.file,
      options: JSON.parse(text),
      text,
      signature,
      key: before ? before.key : newIdempotencyKey(),
      at: before ? before.at : Date.now(),
      known: before && before.listId ? before : null, // issued, and its answer seen
      request,
      repeat: Boolean(fresh),
    }, t("working"));
  }

  function uploadSignature(file, options) {
    return JSON.stringify([file.name, file.size, file.lastModified, options]);
  }

  // crypto.randomUUID needs a secure context (HTTPS or localhost); getRandomValues does not.
  function newIdempotencyKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function" && window.isSecureContext) {
      return window.crypto.randomUUID();
    }
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  function issuedEntry(submission, listId, issuedAt) {
    return {
      signature: submission.signature,
      key: submission.key,
      options: submission.text,
      listId,
      issuedAt,
      file: submission.file.name,
      at: submission.at,
    };
  }

  function setBusy(busy) {
    state.busy = busy;
    for (const id of ["submit", "preview", "issue-new", "issue-new-server"]) $(id).disabled = busy;
    refreshPreview();
  }

  async function submit(submission, workingText) {
    state.lastSubmission = submission;
    const preview = Boolean(submission.preview);
    const known = submission.known || null;
    const form = new FormData();
    form.append("file", submission.file, submission.file.name);
    form.append("options", submission.text);
    if (submission.repeat) form.append("repeat", "true");
    const headers = { "X-API-Key": apiKey(), "Accept-Language": state.lang };
    if (!preview) {
      headers["Idempotency-Key"] = submission.key;
      // Remembered before it leaves: an answer that never comes leaves the key to send again.
      rememberIssue(issuedEntry(submission, known && known.listId, known && known.issuedAt));
    }
    setBusy(true);
    $("error-box").hidden = true;
    $("working").textContent = workingText;
    let response;
    try {
      response = await fetch(preview ? config.endpoints.upload : config.endpoints.listsUpload, {
        method: "POST",
        headers,
        body: form,
      });
    } catch (_) {
      setBusy(false);
      $("working").textContent = "";
      return showLocalError(t("error.network"));
    }
    const body = await response.json().catch(() => null);
    // No readable answer (the connection dropped mid-answer, a proxy's error page) is an answer
    // that never came, as is "still being answered" (409): the same upload reuses the key. Any
    // other refusal (a list already issued from elsewhere among them) frees the key on the
    // server, and the page forgets it.
    const issuedElsewhere = !preview && response.status === 409 && body !== null
      && body.error === "list_already_issued" && Boolean(body.issued_before);
    if (!preview && !response.ok && body !== null && (response.status !== 409 || issuedElsewhere)) {
      forgetIssue(submission.signature);
    }
    hideServerRepeat();
    $("working").textContent = "";
    if (body === null) {
      setBusy(false);
      return showLocalError(t("error.network"));
    }
    if (response.ok) {
      state.lastError = null;
      state.result = body;
      state.page = 0;
      state.repeat = null;
      $("error-box").hidden = true;
      if (preview) {
        const drawn = body.exploration ? body.exploration.seed : null;
        state.preview = {
          file: submission.file,
          options: submission.base,
          signature: submission.signature,
          seed: drawn ?? (body.options && body.options.exploration_seed) ?? null,
        };
      } else {
        state.preview = null;
        const issuedAt = body.issued_at || new Date().toISOString();
        rememberIssue(issuedEntry(submission, body.list_id, issuedAt));
        // Answered again from the records: this file and these settings were issued before.
        if (known && response.headers.get("Idempotent-Replayed") === "true") {
          state.repeat = { listId: body.list_id, issuedAt: body.issued_at || known.issuedAt, request: submission.request };
        }
      }
      setBusy(false);
      renderResult(body);
      announceResult(body);
      if (!preview) loadIssued();
      checkDrift();
      return;
    }
    setBusy(false);
    state.result = null;
    $("result").hidden = true;
    if (issuedElsewhere) {
      const earlier = body.issued_before;
      state.lastError = null;
      $("error-box").hidden = true;
      state.serverRepeat = {
        listId: earlier.list_id, createdAt: earlier.created_at, createdBy: earlier.created_by,
        request: submission.request,
      };
      renderServerRepeat();
      announce($("server-repeat-text").textContent);
      if (state.announceNext) {
        state.announceNext = false;
        $("server-repeat").focus({ preventScroll: true });
        $("server-repeat").scrollIntoView({ block: "start", behavior: "auto" });
      }
      loadIssued();
      return;
    }
    state.lastError = { status: response.status, body };
    renderError(response.status, body);
    if (state.announceNext) {
      state.announceNext = false;
      $("error-box").focus();
    }
  }

  // Whether the form still holds the previewed file and settings.
  function previewCurrent() {
    const preview = state.preview;
    const file = $("file").files[0];
    if (!preview || !file) return false;
    try {
      return uploadSignature(file, readOptions()) === preview.signature;
    } catch (_) {
      return false;
    }
  }

  // A preview on screen can be issued while the form holds what it was made from; once the
  // file or a setting changes, its button is disabled and the page says why (once, aloud).
  function refreshPreview() {
    const shown = Boolean(state.result && !state.result.list_id && state.preview);
    const stale = shown && !previewCurrent();
    $("issue-preview").disabled = !shown || stale || Boolean(state.busy);
    $("preview-stale").hidden = !stale;
    if (stale && !state.staleSaid) announce(t("preview.announce_stale"));
    state.staleSaid = stale;
  }

  function renderRepeat() {
    const repeat = state.repeat;
    const shown = Boolean(repeat && state.result && state.result.list_id === repeat.listId);
    $("repeat-notice").hidden = !shown;
    if (shown) {
      // Issued from a preview, the list answered again is the earlier one, not the preview on
      // screen a moment ago (its draw differs): say so, and how to record the preview instead.
      const sent = repeat.request ? repeat.request.sent : null;
      const fromPreview = Boolean(sent && sent.exploration_seed !== undefined && repeat.request.options.exploration_seed === undefined);
      const key = fromPreview ? "repeat.text_preview" : "repeat.text";
      $("repeat-text").textContent = t(key, { date: fmtDate(repeat.issuedAt), id: shortId(repeat.listId) });
    }
  }

  // Said once by the live region (emptied first, so the same words are said again).
  function announce(text) {
    $("announce").textContent = "";
    setTimeout(() => { $("announce").textContent = text; }, 50);
  }

  // A notice in its own live region (role="status"): emptied, then filled a moment later, so it
  // is announced even when its section was hidden until now; the same words are not said again.
  function showNotice(element, text) {
    if ((element.dataset.notice ?? element.textContent) === text) return;
    element.dataset.notice = text;
    element.textContent = "";
    if (!text) return;
    setTimeout(() => {
      if (element.dataset.notice === text) element.textContent = text;
    }, 50);
  }

  // A new list is announced to screen readers (a preview as not recorded, a list issued as
  // ready, its number by the recorded notice, one issued before as such) and brought into view
  // with the focus on its title; a language switch re-renders in place without moving the
  // reader.
  function announceResult(result) {
    if (!state.announceNext) return;
    state.announceNext = false;
    const counts = { filled: fmtInt(result.filled), rows: fmtInt(result.source.rows) };
    let text;
    if (!result.list_id) text = t("preview.announce", counts);
    else if (state.repeat) {
      text = t("repeat.announce", { date: fmtDate(state.repeat.issuedAt), id: shortId(result.list_id) });
    } else text = t("result.announce", counts); // its number: the recorded notice says it
    announce(text);
    const title = $("result-title");
    title.focus({ preventScroll: true });
    title.scrollIntoView({ block: "start", behavior: "auto" });
  }

  // A refusal the page makes itself; `error` as the API would code it (`invalid_options` for a
  // setting it cannot read, so it is titled as the settings, not the file).
  function showLocalError(text, error) {
    state.lastError = null;
    renderError(0, { error, message: text, problems: [] });
  }

  function renderError(status, body) {
    const box = $("error-box");
    const problems = (body && body.problems) || [];
    // A refusal of the settings (options, constraints) is not titled as a file problem, and its
    // problems are the settings' (named as the form labels them), not rows and columns.
    const aboutOptions = Boolean(body && OPTION_ERRORS.includes(body.error));
    const fileProblems = aboutOptions || status === 401 ? [] : problems;
    let message;
    if (status === 401) message = t("error.unauthorized");
    else if (body && body.error === "body_too_large") message = t("error.body_too_large");
    else if (status === 503) message = t("error.not_ready");
    // A request the API refused field by field: its summary and known reasons in the page's words.
    else if (body && body.error === "invalid_request") message = t("error.invalid_request", { n: fmtInt(problems.length) });
    // Options the API could not take: its message names their API fields; the table names them.
    else if (aboutOptions && body.error === "invalid_options" && problems.length) message = t("error.settings");
    else if (body && body.message) message = body.message;
    else message = t("error.generic", { status });
    $("error-message").textContent = message;
    $("error-title").dataset.i18n = aboutOptions ? "error.title_options" : "error.title";
    $("error-title").textContent = t($("error-title").dataset.i18n);
    $("error-nothing").dataset.i18n = aboutOptions ? "error.nothing_applied_options" : "error.nothing_applied";
    $("error-nothing").textContent = t($("error-nothing").dataset.i18n);
    $("error-nothing").hidden = !(aboutOptions || status === 413 || status === 422 || status === 400);
    renderSettingProblems(aboutOptions ? problems : []);
    renderFileProblems("", fileProblems, (body && body.groups) || []);
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }

  // The settings refused, each as the form labels it, with why and how to fix it (a column
  // "how to fix" only when one of them says).
  function renderSettingProblems(problems) {
    const table = $("setting-problems");
    const rows = settingRows(problems);
    const withFix = rows.some((row) => row.fix);
    table.hidden = rows.length === 0;
    table.tHead.rows[0].cells[2].hidden = !withFix;
    const tbody = table.tBodies[0];
    tbody.replaceChildren();
    for (const row of rows) {
      const tr = document.createElement("tr");
      tr.append(cell(row.setting), cell(row.reason));
      if (withFix) tr.append(cell(row.fix));
      tbody.append(tr);
    }
  }

  // One row per setting and reason: a limit typed for every province is refused once per
  // province, with the same reason, and is said once.
  function settingRows(problems) {
    const isQuota = (problem) => /^options\.quotas\.[^.]+/.test(problem.field || "");
    const quotaReasons = new Map();
    for (const problem of problems.filter(isQuota)) {
      quotaReasons.set(problem.reason, (quotaReasons.get(problem.reason) || 0) + 1);
    }
    const rows = new Map();
    for (const problem of problems) {
      const shared = isQuota(problem) && quotaReasons.get(problem.reason) > 1;
      const setting = shared ? t("setting.quotas") : settingName(problem.field);
      const reason = problem.reason ?? "";
      rows.set(`${setting}\u0000${reason}`, { setting, reason, fix: problem.fix ?? "" });
    }
    return [...rows.values()];
  }

  // A settings problem's API field (`options.quotas.31`, `options.min_share.0.share`) as the
  // form labels the setting; the answer keeps the field for the API's clients.
  function settingName(field) {
    const [, name, index] = String(field || "").split(".");
    if (name === "quotas" && index !== undefined) {
      return t("setting.quota", { province: config.provinceNames[index] || index });
    }
    if (name === "quotas") return t("setting.quotas");
    if (name === "min_share" && index !== undefined) {
      const shares = (state.lastSubmission && state.lastSubmission.options.min_share) || [];
      const share = shares[Number(index)];
      if (share) return t("setting.min_share", { group: valueLabel(share.column, share.value) });
    }
    if (name === "exploration_share" || name === "exploration_seed") return t("options.exploration");
    const key = `options.${name}`;
    return name && t(key) !== key ? t(key) : t("setting.all");
  }

  function columnName(column) {
    if (!column) return "–";
    const spec = config.columns.find((c) => c.name === column);
    return spec ? spec.header[state.lang] : column;
  }

  // A refused file's problems, the same for a candidates file (`prefix` "") and an outcomes file
  // ("outcomes-"): grouped by column and kind with the downloads of every problem, then each
  // problem by its row as the spreadsheet numbers it (the first MAX_PROBLEMS_SHOWN).
  function renderFileProblems(prefix, problems, groups) {
    const table = $(`${prefix}problems`);
    const tbody = table.tBodies[0];
    tbody.replaceChildren();
    for (const problem of problems.slice(0, MAX_PROBLEMS_SHOWN)) {
      const tr = document.createElement("tr");
      const cells = [
        problem.row ?? t("error.file_level"),
        problem.column ?? "–", // as the file heads it (one it lacks: as a file in the page's language would)
        problem.type === "control_character" ? t("error.control_character") : (problem.reason ?? ""),
        problem.fix ?? "",
      ];
      for (const value of cells) {
        const td = document.createElement("td");
        td.textContent = String(value);
        tr.append(td);
      }
      tbody.append(tr);
    }
    table.hidden = problems.length === 0;
    labelProblemCells(table);
    renderProblemGroups(prefix, groups, problems.length);
    const more = problems.length - MAX_PROBLEMS_SHOWN;
    $(`${prefix}problems-more`).hidden = more <= 0;
    if (more > 0) $(`${prefix}problems-more`).textContent = t("error.more_problems", { n: fmtInt(more) });
  }

  function renderProblemGroups(prefix, groups, total) {
    const box = $(`${prefix}problem-groups-box`);
    const tbody = $(`${prefix}problem-groups`).tBodies[0];
    tbody.replaceChildren();
    box.hidden = total === 0 || groups.length === 0;
    for (const group of groups) {
      const tr = document.createElement("tr");
      let rows = group.rows.map((row) => fmtInt(row)).join(", ");
      if (!group.rows.length) rows = t("error.file_level");
      else if (group.count > group.rows.length) {
        rows = t("problems.rows_more", { rows, n: fmtInt(group.count - group.rows.length) });
      }
      tr.append(cell(group.column ?? "–"), cell(group.reason), cell(fmtInt(group.count), "num"),
        cell(rows), cell(group.fix ?? ""));
      tbody.append(tr);
    }
    labelProblemCells($(`${prefix}problem-groups`));
  }

  // Each cell of a problems table carries its column's name (`data-label`): on a phone the
  // table reads as cards, one per problem, each value after its name (app.css).
  function labelProblemCells(table) {
    const names = [...table.tHead.rows[0].cells].map((th) => th.textContent.trim());
    for (const row of table.tBodies[0].rows) {
      [...row.cells].forEach((td, index) => { td.dataset.label = names[index] || ""; });
    }
  }

  // Every problem of a refusal on screen (`state.lastError`, `state.outcomesError`) as a file,
  // headed in the language its problems were worded in.
  async function downloadProblems(refusal, format) {
    if (!refusal || !refusal.body || !refusal.body.problems) return;
    const problems = refusal.body.problems.map((p) => ({
      row: p.row ?? null, column: p.column ?? null, reason: p.reason ?? "", fix: p.fix ?? null,
    }));
    const language = refusal.lang || state.lang;
    await fetchFile(`${config.endpoints.problems}?${exportQuery(format)}`, { language, problems }, false);
  }

  // ------------------------------------------------------------------ accepted columns

  function renderColumns() {
    const tbody = $("columns-table").tBodies[0];
    tbody.replaceChildren();
    for (const column of config.columns) {
      const tr = document.createElement("tr");
      const header = cell("");
      const code = document.createElement("code");
      code.textContent = column.header[state.lang];
      header.append(code);
      let values = column.values[state.lang].join(", ");
      if (!values && column.name === "province_code") values = t("columns.code");
      else if (!values && column.name === "msme_id") values = t("columns.text");
      else if (!values && column.minimum !== null && column.maximum !== null) {
        values = t("columns.range", { min: fmtInt(column.minimum), max: fmtInt(column.maximum) });
      } else if (!values) values = t("columns.number");
      // Required columns whose cells may be empty (the contract's `nullable`) say so.
      let required = column.required ? t("export.yes") : t("export.no");
      if (column.required && column.nullable) required = t("columns.required_may_be_empty");
      tr.append(header, cell(required), cell(values));
      tbody.append(tr);
    }
  }

  // ------------------------------------------------------------------ result

  function renderResult(result) {
    $("result").hidden = false;
    // A preview says so in its title and a banner (printed too); a recorded list does not.
    const recorded = Boolean(result.list_id);
    const title = $("result-title");
    title.dataset.i18n = recorded ? "result.title" : "result.title_preview";
    title.textContent = t(title.dataset.i18n);
    $("preview-banner").hidden = recorded;
    refreshPreview();
    renderRepeat();
    $("result-file").textContent = t("result.file", {
      file: result.source.filename,
      rows: fmtInt(result.source.rows),
      model: `${result.model.name} v${result.model.version ?? "?"}`,
    });
    $("result-read").textContent = readStatement(result.source);
    const understood = result.understood || {};
    const shares = (result.options && result.options.min_share) || [];
    const parts = Object.entries(understood).map(([field, value]) => {
      if (field === "capacity") return t("result.options.capacity", { value });
      if (field === "budget") return t("result.options.budget", { value });
      if (field.startsWith("min_share")) {
        const share = shares[Number(field.split(".")[1])];
        const group = share ? valueLabel(share.column, share.value) : "–";
        return t("result.options.share", { value, group });
      }
      return null;
    }).filter(Boolean);
    // Province limits, one entry per limit with the provinces it applies to.
    const byLimit = new Map();
    for (const [field, value] of Object.entries(understood)) {
      if (!field.startsWith("quotas.")) continue;
      const code = field.slice("quotas.".length);
      byLimit.set(value, [...(byLimit.get(value) || []), valueLabel("province_code", code)]);
    }
    for (const [value, names] of byLimit) {
      parts.push(names.length === config.provinces.length
        ? t("result.options.quota_all", { value })
        : t("result.options.quota", { value, provinces: names.join(", ") }));
    }
    $("result-options").hidden = parts.length === 0;
    $("result-options").textContent = parts.length ? t("result.options", { options: parts.join(" · ") }) : "";
    $("kpi-gain").textContent = fmtNumber(result.total_expected_gain);
    $("kpi-gain-random").textContent = t("summary.gain_vs_random", {
      n: fmtInt(result.filled),
      random: fmtNumber(result.random_expected_gain),
    });
    const ratio = result.random_expected_gain > 0
      ? result.total_expected_gain / result.random_expected_gain : null;
    $("kpi-gain-ratio").textContent = ratio === null ? "" : t("summary.ratio", { ratio: fmtNumber(ratio) });
    $("kpi-success").textContent = result.expected_success_rate === null
      ? "–" : fmtPercent(result.expected_success_rate);
    $("kpi-filled").textContent = t("summary.filled_of", {
      filled: fmtInt(result.filled),
      capacity: fmtInt(result.capacity),
    });
    $("kpi-shortfall").textContent = result.shortfall_note || "";
    $("evidence-warning").hidden = !result.evidence_warning;
    renderBinding(result.binding_constraints);
    // A list recorded says so, with its number, as a success notice (a preview is not recorded).
    showNotice($("recorded-notice"), result.list_id ? t("issued.recorded", { id: shortId(result.list_id) }) : "");
    // The server's, in the page's words: slots drawn at random, picks not expected to gain.
    const notes = [...(result.notes || [])];
    $("notes").hidden = notes.length === 0;
    $("notes").textContent = notes.map(sentence).join("\n");
    renderSpread("spread-province", "province_code", result.summary.by_province, true);
    renderSpread("spread-sector", "sector", result.summary.by_sector, false);
    renderSpread("spread-gender", "owner_gender", result.summary.by_owner_gender, false);
    renderCumulativeChart(result);
    renderSegmentChart(result.summary.segments);
    renderFilterOptions(result);
    renderTable();
    $("not-selected-title").textContent = t("not_selected.title", {
      n: fmtInt(result.not_selected.length),
    });
    renderNotSelectedReasons(result.summary.not_selected_reasons);
  }

  // A note on its own line, as a sentence (the catalogs' notes are clauses, shared with the API
  // and the command line): a capital first, a full stop last.
  function sentence(text) {
    const clause = String(text).trim();
    if (!clause) return clause;
    const capital = clause[0].toLocaleUpperCase(locale()) + clause.slice(1);
    return /[.!?]$/.test(capital) ? capital : `${capital}.`;
  }

  function readStatement(source) {
    const parts = [];
    const delimiters = { ",": "comma", ";": "semicolon", "\t": "tab" };
    if (source.delimiter) parts.push(t(`read.delimiter.${delimiters[source.delimiter] || "comma"}`));
    if (source.decimal === ",") parts.push(t("read.decimal_comma"));
    else if (source.decimal === ".") parts.push(t("read.decimal_dot"));
    if (source.encoding) parts.push(t(`read.encoding.${source.encoding.replace("-", "_")}`));
    if (source.sheet) parts.push(t("read.sheet", { sheet: source.sheet }));
    parts.push(t("read.header_row", { row: fmtInt(source.header_row ?? 1) }));
    // Headers written as the Bahasa term are counted; other spellings are named one by one.
    const plain = (text) => text.toLowerCase().replace(/\([^)]*\)/g, " ").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
    let terms = 0;
    for (const read of source.columns_read_as || []) {
      const spec = config.columns.find((c) => c.name === read.column);
      if (spec && plain(spec.header.id) === plain(read.header)) terms += 1;
      else parts.push(t("read.column_as", { header: read.header, column: columnName(read.column) }));
    }
    if (terms) parts.push(t("read.columns_known", { n: fmtInt(terms) }));
    return t("read.title", { how: parts.join("; ") });
  }

  function renderBinding(constraints) {
    const host = $("binding");
    host.replaceChildren();
    if (!constraints.length) {
      host.textContent = t("summary.no_binding");
      return;
    }
    const title = document.createElement("strong");
    title.textContent = t("summary.binding_title");
    const list = document.createElement("ul");
    for (const constraint of constraints) {
      const item = document.createElement("li");
      item.textContent = constraint.message;
      list.append(item);
    }
    host.append(title, list);
  }

  // The headers of the list's and the lists issued's columns, in order: on a phone each row is
  // a card, and each cell shows its column's name beside it (`data-label`).
  const LIST_COLUMNS = ["col.rank", "col.msme_id", "col.province", "col.sector", "col.p_mentored",
    "col.p_not", "col.gain", "col.segment", "col.reasons"];
  const ISSUED_COLUMNS = ["issued.number", "issued.date", "issued.model", "issued.slots", "issued.file",
    "issued.settings", "issued.outcomes", null];

  function labelCells(tr, keys) {
    [...tr.cells].forEach((td, index) => {
      if (keys[index]) td.dataset.label = t(keys[index]);
    });
  }

  function cell(text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function renderSpread(id, column, rows, scroll) {
    const table = $(id);
    table.replaceChildren();
    const head = table.createTHead().insertRow();
    for (const [key, cls] of [[`dim.${column}`, ""], ["spread.slots", "num"], ["spread.share", "num"], ["", ""]]) {
      const th = document.createElement("th");
      th.textContent = key ? t(key) : "";
      if (cls) th.className = cls;
      head.append(th);
    }
    const body = table.createTBody();
    const top = Math.max(...rows.map((r) => r.share), 0.0001);
    for (const row of rows) {
      const tr = body.insertRow();
      tr.append(cell(valueLabel(column, row.value)), cell(fmtInt(row.slots), "num"),
        cell(fmtPercent(row.share), "num"));
      const barCell = cell("", "barcell");
      const bar = document.createElement("div");
      bar.className = "bar";
      bar.style.width = `${(100 * row.share) / top}%`;
      barCell.append(bar);
      tr.append(barCell);
    }
    const box = table.parentElement;
    const scrolls = scroll && rows.length > 10;
    box.classList.toggle("spread-scroll", scrolls);
    // A box that scrolls is reachable by keyboard (axe: scrollable-region-focusable).
    if (scrolls) box.tabIndex = 0;
    else box.removeAttribute("tabindex");
  }

  function renderNotSelectedReasons(rows) {
    const table = $("not-selected-reasons");
    table.replaceChildren();
    const head = table.createTHead().insertRow();
    for (const [key, cls] of [["col.reason", ""], ["not_selected.count", "num"]]) {
      const th = document.createElement("th");
      th.textContent = t(key);
      if (cls) th.className = cls;
      head.append(th);
    }
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      tr.append(cell(row.reason), cell(fmtInt(row.count), "num"));
    }
  }

  function sortValue(row, key, type) {
    if (key === "reasons") return row.reasons.map((r) => r.text).join(" ");
    const value = row[key];
    if (type === "label") return valueLabel(key, value);
    if (type === "segment") return valueLabel("segment", value);
    return value;
  }

  function sortedRows() {
    const { key, dir } = state.sort;
    const th = document.querySelector(`#list th[data-key="${key}"]`);
    const type = th ? th.dataset.type : "number";
    const sign = dir === "asc" ? 1 : -1;
    const collator = new Intl.Collator(locale(), { numeric: true, sensitivity: "base" });
    return [...state.result.selected].sort((a, b) => {
      const x = sortValue(a, key, type);
      const y = sortValue(b, key, type);
      let order;
      if (x === null || x === undefined) order = 1;
      else if (y === null || y === undefined) order = -1;
      else order = type === "number" ? x - y : collator.compare(String(x), String(y));
      return order * sign || a.rank - b.rank;
    });
  }

  function fillSelect(select, options) {
    const chosen = select.value;
    select.replaceChildren();
    for (const [value, label] of [["", t("filter.all")], ...options]) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = label;
      select.append(option);
    }
    select.value = options.some(([value]) => value === chosen) ? chosen : "";
  }

  function renderFilterOptions(result) {
    const distinct = (key) => [...new Set(result.selected.map((row) => row[key]))];
    const collator = new Intl.Collator(locale());
    const byLabel = (a, b) => collator.compare(a[1], b[1]);
    fillSelect($("filter-province"), distinct("province_code")
      .map((code) => [code, config.provinceNames[code] || code]).sort(byLabel));
    fillSelect($("filter-sector"), distinct("sector")
      .map((code) => [code, valueLabel("sector", code)]).sort(byLabel));
    fillSelect($("filter-segment"), distinct("segment")
      .map((code) => [code, valueLabel("segment", code)]).sort(byLabel));
    for (const [key, id] of [["province", "filter-province"], ["sector", "filter-sector"], ["segment", "filter-segment"]]) {
      state.filters[key] = $(id).value;
    }
  }

  function matches(row) {
    const { search, province, sector, segment } = state.filters;
    if (province && row.province_code !== province) return false;
    if (sector && row.sector !== sector) return false;
    if (segment && row.segment !== segment) return false;
    if (!search) return true;
    const needle = search.toLocaleLowerCase(locale());
    const haystack = [
      row.msme_id, row.province_name, valueLabel("sector", row.sector),
      valueLabel("segment", row.segment), ...row.reasons.map((r) => r.text),
      ...Object.values(row.input || {}).map((value) => (value === null ? "" : String(value))),
    ].join("\u0000").toLocaleLowerCase(locale());
    return haystack.includes(needle);
  }

  function onFilter() {
    state.filters = {
      search: $("filter-search").value.trim(),
      province: $("filter-province").value,
      sector: $("filter-sector").value,
      segment: $("filter-segment").value,
    };
    state.pageSize = Number($("page-size").value) || 50;
    state.page = 0;
    if (state.result) renderTable();
  }

  function turnPage(step) {
    state.page += step;
    renderTable();
  }

  function renderTable() {
    document.querySelectorAll("#list th").forEach((th) => {
      th.setAttribute("aria-sort", th.dataset.key === state.sort.key
        ? (state.sort.dir === "asc" ? "ascending" : "descending") : "none");
    });
    const tbody = $("list").tBodies[0];
    const fragment = document.createDocumentFragment();
    const rows = sortedRows().filter(matches);
    const pages = Math.max(1, Math.ceil(rows.length / state.pageSize));
    state.page = Math.min(Math.max(state.page, 0), pages - 1);
    const start = state.page * state.pageSize;
    const shown = rows.slice(start, start + state.pageSize);
    $("list-empty").hidden = rows.length > 0;
    $("page-status").textContent = rows.length ? t("paging.status", {
      from: fmtInt(start + 1), to: fmtInt(start + shown.length), total: fmtInt(rows.length),
    }) : "";
    $("page-prev").disabled = state.page === 0;
    $("page-next").disabled = state.page >= pages - 1;
    for (const row of shown) {
      const tr = document.createElement("tr");
      const rank = cell(fmtInt(row.rank), "num");
      if (row.selected_by === "exploration") {
        const drawn = document.createElement("span");
        drawn.className = "drawn";
        drawn.textContent = t("row.drawn");
        rank.append(document.createElement("br"), drawn);
      }
      tr.append(
        rank,
        cell(row.msme_id, "id-cell"),
        cell(row.province_name),
        cell(valueLabel("sector", row.sector)),
        cell(row.p_digital_if_mentored === null ? "–" : fmtPercent(row.p_digital_if_mentored), "num"),
        cell(row.p_digital_if_not === null ? "–" : fmtPercent(row.p_digital_if_not), "num"),
        cell(fmtPoints(row.expected_gain), "num"),
      );
      const segment = cell("");
      const badge = document.createElement("span");
      badge.className = `seg seg-${row.segment}`;
      badge.textContent = valueLabel("segment", row.segment);
      segment.append(badge);
      const reasons = cell("", "reasons-cell");
      const list = document.createElement("ul");
      list.className = "reasons";
      for (const reason of row.reasons) {
        const li = document.createElement("li");
        li.className = reason.effect;
        li.textContent = reason.text;
        list.append(li);
      }
      reasons.append(list);
      tr.append(segment, reasons);
      labelCells(tr, LIST_COLUMNS);
      fragment.append(tr);
    }
    tbody.replaceChildren(fragment);
  }

  function onSort(event) {
    const th = event.target.closest("th[data-key]");
    if (!th || !state.result) return;
    const key = th.dataset.key;
    state.sort = state.sort.key === key
      ? { key, dir: state.sort.dir === "asc" ? "desc" : "asc" }
      : { key, dir: th.dataset.type === "number" && key !== "rank" ? "desc" : "asc" };
    state.page = 0;
    renderTable();
  }

  // ------------------------------------------------------------------ charts (inline SVG)

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Round steps (1, 2, 2.5, 5 × 10^k) from 0 up to the first tick at or above `max`; for
  // counts (`integer`) the step is a whole number, so 3 slots give 0, 1, 2, 3 and not 0, 0.5, ….
  function niceTicks(max, count = 5, integer = false) {
    if (max <= 0) return [0];
    const raw = max / count;
    const power = 10 ** Math.floor(Math.log10(raw));
    let step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
    if (integer) step = Math.max(1, Math.round(step));
    const ticks = [0];
    while (ticks[ticks.length - 1] < max - step * 1e-9) ticks.push(Number((ticks.length * step).toPrecision(12)));
    return ticks;
  }

  // Decimals of the step (0.25 → 2, 0.5 → 1, 2.5 → 1, 5 → 0): every tick label differs.
  function tickDigits(ticks) {
    if (ticks.length < 2) return 0;
    const text = String(Number((ticks[1] - ticks[0]).toPrecision(6)));
    const dot = text.indexOf(".");
    return dot < 0 ? 0 : Math.min(3, text.length - dot - 1);
  }

  function legend(items) {
    const box = document.createElement("div");
    box.className = "legend";
    for (const [label, color] of items) {
      const span = document.createElement("span");
      span.style.setProperty("--swatch", color);
      span.textContent = label;
      box.append(span);
    }
    return box;
  }

  function renderCumulativeChart(result) {
    const host = $("chart-cumulative");
    host.replaceChildren();
    const rows = [...result.selected].sort((a, b) => a.rank - b.rank);
    const n = rows.length;
    if (n === 0) return;
    const cumulative = [0];
    for (const row of rows) cumulative.push(cumulative[cumulative.length - 1] + row.expected_gain);
    const W = 640, H = 280, left = 56, right = 16, top = 14, bottom = 44;
    const yMax = Math.max(...cumulative, result.random_expected_gain, 1e-9);
    const yTicks = niceTicks(yMax);
    const yTop = yTicks[yTicks.length - 1] || yMax;
    const x = (k) => left + ((W - left - right) * k) / n;
    const y = (v) => H - bottom - ((H - top - bottom) * v) / yTop;
    const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": t("chart.cumulative") });
    const yDigits = tickDigits(yTicks);
    for (const tick of yTicks) {
      chart.append(svg("line", { x1: left, x2: W - right, y1: y(tick), y2: y(tick), stroke: "#e3e8ee" }));
      chart.append(svg("text", { x: left - 6, y: y(tick) + 4, "text-anchor": "end" },
        fmtNumber(tick, yDigits)));
    }
    for (const tick of niceTicks(n, Math.min(6, n), true)) {
      if (tick > n) break;
      chart.append(svg("line", { x1: x(tick), x2: x(tick), y1: H - bottom, y2: H - bottom + 4, stroke: "#8a96a3" }));
      chart.append(svg("text", { x: x(tick), y: H - bottom + 17, "text-anchor": "middle" }, fmtInt(tick)));
    }
    chart.append(svg("line", { x1: left, x2: W - right, y1: H - bottom, y2: H - bottom, stroke: "#8a96a3" }));
    chart.append(svg("text", { x: (left + W - right) / 2, y: H - 6, "text-anchor": "middle" }, t("chart.cumulative_x")));
    chart.append(svg("text", { x: 12, y: (top + H - bottom) / 2, "text-anchor": "middle",
      transform: `rotate(-90 12 ${(top + H - bottom) / 2})` }, t("chart.cumulative_y")));
    chart.append(svg("line", { x1: x(0), y1: y(0), x2: x(n), y2: y(result.random_expected_gain),
      stroke: "#8a96a3", "stroke-width": 2, "stroke-dasharray": "6 4" }));
    const stride = Math.max(1, Math.floor(n / 400));
    const points = [];
    for (let k = 0; k <= n; k += stride) points.push(`${x(k).toFixed(1)},${y(cumulative[k]).toFixed(1)}`);
    if (n % stride) points.push(`${x(n).toFixed(1)},${y(cumulative[n]).toFixed(1)}`);
    chart.append(svg("polyline", { points: points.join(" "), fill: "none", stroke: "#0b6e4f", "stroke-width": 2.5 }));
    host.append(chart, legend([[t("chart.list"), "#0b6e4f"], [t("chart.random"), "#8a96a3"]]));
  }

  function renderSegmentChart(segments) {
    const host = $("chart-segments");
    host.replaceChildren();
    const total = segments.reduce((sum, s) => sum + s.count, 0) || 1;
    const W = 480, rowH = 34, left = 215, right = 80;
    const H = rowH * segments.length + 8;
    const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": t("chart.segments") });
    segments.forEach((segment, index) => {
      const yTop = 4 + index * rowH;
      const share = segment.count / total;
      const color = getComputedStyle(document.documentElement).getPropertyValue(`--seg-${segment.segment}`).trim() || "#777";
      chart.append(svg("text", { x: left - 8, y: yTop + rowH / 2 + 4, "text-anchor": "end" },
        valueLabel("segment", segment.segment)));
      chart.append(svg("rect", { x: left, y: yTop + 6, height: rowH - 12, rx: 3, fill: color,
        width: Math.max(1, (W - left - right) * share) }));
      chart.append(svg("text", { x: left + (W - left - right) * share + 6, y: yTop + rowH / 2 + 4 },
        `${fmtInt(segment.count)} (${fmtPercent(share, 0)})`));
    });
    host.append(chart);
  }

  // ------------------------------------------------------------------ downloads

  // A CSV for the page's reader: on the Bahasa page, as Excel set to Indonesian reads it
  // (semicolons, decimal commas); in English, comma-separated with decimal points.
  function exportQuery(format, part) {
    const query = new URLSearchParams({ format });
    if (part) query.set("part", part);
    if (format === "csv") query.set("csv_style", state.lang === "id" ? "excel_id" : "standard");
    return query.toString();
  }

  async function download(format, part) {
    if (!state.result) return;
    const status = $("download-status");
    const buttons = document.querySelectorAll(".downloads button");
    buttons.forEach((button) => { button.disabled = true; });
    status.textContent = t("download.working");
    try {
      if (state.result.list_id && state.result.method === "recorded") {
        // A reopened list is written from the records (which keep only the contract's columns);
        // a list just made is written from what the page holds, with the file's own columns.
        const id = encodeURIComponent(state.result.list_id);
        await fetchFile(`${config.endpoints.lists}/${id}/export?${exportQuery(format, part)}`, null, true);
      } else {
        await fetchFile(`${config.endpoints.export}?${exportQuery(format, part)}`, state.result, true);
      }
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
      status.textContent = "";
    }
  }

  async function fetchFile(url, payload, errorsReplace) {
    let response;
    try {
      response = await fetch(url, payload === null ? {
        headers: { "X-API-Key": apiKey(), "Accept-Language": state.lang },
      } : {
        method: "POST",
        headers: {
          "X-API-Key": apiKey(),
          "Accept-Language": state.lang,
          "Content-Type": "application/json",
        },
        body: JSON.stringify(payload),
      });
    } catch (_) {
      return showLocalError(t("error.network"));
    }
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      if (!errorsReplace) return undefined;
      return renderError(response.status, body);
    }
    const blob = await response.blob();
    const disposition = response.headers.get("Content-Disposition") || "";
    const match = /filename="([^"]+)"/.exec(disposition);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = match ? match[1] : t("export.filename");
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  // ------------------------------------------------------------------ lists issued

  function authHeaders() {
    return { "X-API-Key": apiKey(), "Accept-Language": state.lang };
  }

  function fmtDate(text) {
    return new Date(text).toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" });
  }

  async function loadIssued() {
    if (!apiKey()) return;
    let status = 0;
    try {
      const response = await fetch(`${config.endpoints.lists}?page_size=100`, { headers: authHeaders() });
      status = response.status;
      if (!response.ok) throw new Error(String(response.status));
      state.issued = await response.json();
    } catch (_) {
      // Not "no list yet" beside "cannot be loaded": only the failure, and why when it is the key.
      $("issued-empty").hidden = true;
      $("issued-status").textContent = t(status === 401 ? "issued.load_error_key" : "issued.load_error");
      return;
    }
    $("issued-status").textContent = "";
    renderIssued(state.issued);
  }

  // A list's number as people read it: the first 8 characters of its id (unique among a
  // program's lists in practice; the full id is in the API and the downloads).
  function shortId(listId) {
    return String(listId).slice(0, 8);
  }

  function renderIssued(page) {
    const items = page.items || [];
    $("issued-empty").hidden = items.length > 0;
    $("issued-wrap").hidden = items.length === 0;
    const tbody = $("issued-table").tBodies[0];
    tbody.replaceChildren();
    const select = $("outcomes-list");
    const chosen = select.value;
    select.replaceChildren();
    for (const item of items) {
      const date = fmtDate(item.created_at);
      const file = item.source_file || "–";
      const number = shortId(item.list_id);
      const tr = document.createElement("tr");
      // Slots filled beside the slots asked for (the list's capacity): "287 / 300".
      const slots = item.capacity == null ? fmtInt(item.selected) : `${fmtInt(item.selected)} / ${fmtInt(item.capacity)}`;
      tr.append(cell(number, "id-cell"), cell(date), cell(`${item.model.name} v${item.model.version ?? "?"}`),
        cell(slots, "num"), cell(file), cell(item.settings || "–", "settings-cell"),
        cell(fmtInt(item.outcomes), "num"));
      const open = document.createElement("button");
      open.type = "button";
      open.className = "secondary issued-open";
      open.textContent = t("issued.open");
      open.setAttribute("aria-label", t("issued.open_label", { date, file }));
      open.addEventListener("click", () => reopen(item));
      const action = cell("", "action-cell");
      action.append(open);
      tr.append(action);
      labelCells(tr, ISSUED_COLUMNS);
      tbody.append(tr);
      const option = document.createElement("option");
      option.value = item.list_id;
      option.textContent = `${number} · ${date} · ${file}`;
      select.append(option);
    }
    if (chosen && items.some((item) => item.list_id === chosen)) select.value = chosen;
  }

  // A recorded list as the records hold it, worded in the page's language; null on failure
  // (the error is shown).
  async function fetchView(listId) {
    $("issued-status").textContent = t("working");
    let response;
    try {
      const id = encodeURIComponent(listId);
      response = await fetch(`${config.endpoints.lists}/${id}/view`, { headers: authHeaders() });
    } catch (_) {
      $("issued-status").textContent = "";
      showLocalError(t("error.network"));
      return null;
    }
    const body = await response.json().catch(() => null);
    $("issued-status").textContent = "";
    if (!response.ok || !body) {
      renderError(response.status, body);
      return null;
    }
    state.lastError = null;
    state.result = body;
    $("error-box").hidden = true;
    return body;
  }

  // The list on screen again in another language, in place (same page of the table).
  async function reload(listId) {
    const body = await fetchView(listId);
    if (body) renderResult(body);
  }

  async function reopen(item) {
    const body = await fetchView(item.list_id);
    if (!body) return;
    state.lastSubmission = null; // a language switch now rereads this list, not an old file
    state.preview = null;
    state.repeat = null;
    hideServerRepeat();
    state.page = 0;
    renderResult(body);
    $("announce").textContent = t("issued.opened", { date: fmtDate(item.created_at) });
    $("result-title").focus({ preventScroll: true });
    $("result-title").scrollIntoView({ block: "start", behavior: "auto" });
  }

  // ------------------------------------------------------------------ outcomes

  async function onOutcomes(event) {
    event.preventDefault();
    const file = $("outcomes-file").files[0];
    const listId = $("outcomes-list").value;
    state.outcomesNotice = null;
    $("outcomes-result").textContent = "";
    if (!apiKey()) return outcomesError({ key: "key.missing" });
    if (!listId) return outcomesError({ key: "outcomes.no_list" });
    if (!file) return outcomesError({ key: "error.no_file" });
    state.outcomesError = null;
    $("outcomes-error").hidden = true;
    await sendOutcomes({ file, listId });
    keepFocus(event.submitter || $("outcomes-submit"));
  }

  // A button disabled while its request runs loses the focus, and the next Tab or a screen
  // reader starts again at the page's top. Put the focus back on it once the answer is shown
  // (announced by its live region), unless the person has moved on meanwhile.
  function keepFocus(element) {
    const active = document.activeElement;
    if (!active || active === document.body) element.focus({ preventScroll: true });
  }

  // Send an outcomes file for a list; its answer (the latest sending's) shows in the section.
  // `check`: the file is only checked (`dry_run`), as on a language switch: nothing is
  // recorded, so it carries no Idempotency-Key and leaves the one of an unanswered upload be.
  async function sendOutcomes(sending, check = false) {
    const { file, listId } = sending;
    // A key per upload; the same file for the same list after an answer that never came reuses
    // it, so outcomes recorded then are not applied again over a correction made since.
    const signature = JSON.stringify([file.name, file.size, file.lastModified, listId]);
    const pending = state.outcomesUnanswered;
    const reused = pending && pending.signature === signature ? pending.key : null;
    const key = check ? null : reused || newIdempotencyKey();
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("list_id", listId);
    if (check) form.append("dry_run", "true");
    const lang = state.lang;
    const turn = ++state.outcomesTurn;
    const button = $("outcomes-submit");
    button.disabled = true;
    let response;
    try {
      response = await fetch(config.endpoints.outcomesUpload, {
        method: "POST",
        headers: check ? authHeaders() : { ...authHeaders(), "Idempotency-Key": key },
        body: form,
      });
    } catch (_) {
      if (!check) state.outcomesUnanswered = { signature, key };
      if (turn !== state.outcomesTurn) return undefined;
      button.disabled = false;
      // A check that got no answer leaves the refusal on screen in the words it came in.
      return check ? undefined : outcomesError({ key: "outcomes.network" });
    }
    const body = await response.json().catch(() => null);
    if (!check) {
      const unanswered = body === null || response.status === 409;
      state.outcomesUnanswered = unanswered ? { signature, key } : null;
    }
    if (turn !== state.outcomesTurn) return undefined; // a later sending answers the section
    button.disabled = false;
    if (check && response.ok && body) return outcomesPassCheck();
    if (response.ok && body) {
      state.outcomesError = null;
      $("outcomes-error").hidden = true;
      const result = $("outcomes-result");
      result.classList.add("success"); // recorded: a success notice
      result.textContent = body.message;
      // Recorded, but worth a second look (outcomes that say mentored for MSMEs not selected).
      for (const warning of body.warnings || []) {
        const line = document.createElement("strong");
        line.className = "outcomes-warning";
        line.textContent = warning;
        result.append(document.createElement("br"), line);
      }
      loadIssued();
      return undefined;
    }
    if (response.status === 401) return outcomesError({ key: "error.unauthorized" });
    if (!body || !body.message) return check ? undefined : outcomesError({ key: "outcomes.network" });
    return outcomesError({ status: response.status, body, lang, sending });
  }

  // A refused file whose check now passes (say a date that was later than tomorrow, checked
  // days later): its old problems go, and the section says it is not recorded yet; "Record
  // outcomes" records it.
  function outcomesPassCheck() {
    state.outcomesError = null;
    $("outcomes-error").hidden = true;
    renderFileProblems("outcomes-", [], []);
    state.outcomesNotice = "outcomes.recheck_passes";
    // Not a success: nothing is recorded yet (a plain notice, no tick).
    $("outcomes-result").classList.remove("success");
    $("outcomes-result").textContent = t(state.outcomesNotice);
  }

  // A refused outcomes file shows as a refused candidates file does (`renderFileProblems`): its
  // message, its problems grouped with the downloads of every one, and each by its row. What
  // the page says itself is `{key}` (a catalog key), reworded on a language switch.
  function outcomesError(refusal) {
    state.outcomesError = refusal;
    // Problems of the file, by row; a refusal of the key or the store has none to show.
    const body = FILE_REFUSALS.includes(refusal.status) ? refusal.body : {};
    $("outcomes-error").hidden = false;
    $("outcomes-error-message").textContent = refusal.key ? t(refusal.key) : refusal.body.message;
    renderFileProblems("outcomes-", body.problems || [], body.groups || []);
  }

  // On a language switch, a refusal of the outcomes file itself is asked again (its problems are
  // worded by the service), as a refused candidates file is: the same file for the same list,
  // sent to be checked only (`dry_run`), never recorded: a file refused for a date later than
  // tomorrow may pass days later, and a language switch must not record it. Other answers
  // (the store down, a sending still being answered) are not sent again: they keep the words
  // they came in.
  function resendRefusedOutcomes() {
    const refusal = state.outcomesError;
    if (refusal && refusal.sending && FILE_REFUSALS.includes(refusal.status)) {
      sendOutcomes(refusal.sending, true);
    }
  }

  // ------------------------------------------------------------------ drift

  async function checkDrift() {
    if (!apiKey()) return;
    try {
      const response = await fetch(config.endpoints.model, { headers: authHeaders() });
      if (!response.ok) return;
      const body = await response.json();
      state.drift = body.drift || null;
    } catch (_) {
      return;
    }
    if (state.drift) renderDrift(state.drift);
  }

  function renderDrift(drift) {
    const major = drift.status === "major";
    $("drift-warning").hidden = !major;
    if (major) {
      $("drift-text").textContent = t("drift.text", { threshold: fmtNumber(drift.major_threshold, 2) });
    }
  }

  // ------------------------------------------------------------------ start

  function start() {
    let stored = null;
    try {
      stored = localStorage.getItem(LANG_STORAGE);
    } catch (_) {
      stored = null;
    }
    if (stored && config.languages.includes(stored)) state.lang = stored;
    document.querySelectorAll("button.lang").forEach((button) => {
      button.addEventListener("click", () => setLanguage(button.dataset.lang));
    });
    $("key-form").addEventListener("submit", saveKey);
    $("key-clear").addEventListener("click", clearKey);
    $("quota-add").addEventListener("click", addQuotaRow);
    $("share-add").addEventListener("click", addShareRow);
    $("upload-form").addEventListener("submit", onSubmit);
    $("preview").addEventListener("click", onPreview);
    $("issue-preview").addEventListener("click", onIssuePreview);
    $("issue-new").addEventListener("click", onIssueNew);
    $("issue-new-server").addEventListener("click", onIssueNewServer);
    $("open-earlier").addEventListener("click", onOpenEarlier);
    // Any change to the file or a setting (rows added or removed too) may put a preview out of date.
    $("upload-form").addEventListener("input", refreshPreview);
    $("upload-form").addEventListener("change", refreshPreview);
    const rowsChanged = new MutationObserver(refreshPreview);
    for (const id of ["quota-rows", "share-rows"]) rowsChanged.observe($(id), { childList: true });
    $("outcomes-form").addEventListener("submit", onOutcomes);
    $("list").tHead.addEventListener("click", onSort);
    $("download-xlsx").addEventListener("click", () => download("xlsx", "all"));
    $("download-csv-selected").addEventListener("click", () => download("csv", "selected"));
    $("download-csv-not-selected").addEventListener("click", () => download("csv", "not_selected"));
    $("print").addEventListener("click", () => window.print());
    for (const [input] of FILE_PICKERS) $(input).addEventListener("change", showFileName);
    for (const [prefix, refusal] of [["", () => state.lastError], ["outcomes-", () => state.outcomesError]]) {
      for (const format of ["csv", "xlsx"]) {
        $(`${prefix}problems-${format}`).addEventListener("click", () => downloadProblems(refusal(), format));
      }
    }
    $("filter-search").addEventListener("input", onFilter);
    for (const id of ["filter-province", "filter-sector", "filter-segment", "page-size"]) {
      $(id).addEventListener("change", onFilter);
    }
    $("page-prev").addEventListener("click", () => turnPage(-1));
    $("page-next").addEventListener("click", () => turnPage(1));
    document.querySelectorAll("input[data-number]").forEach((input) => {
      input.addEventListener("input", () => scheduleNumberCheck(input));
    });
    applyLanguage();
    loadIssued();
    checkDrift();
    document.body.dataset.ready = "true";
  }

  start();
})();
