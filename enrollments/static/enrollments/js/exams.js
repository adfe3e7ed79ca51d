(function () {
    "use strict";
    // One question per screen: every answer is posted as it is given. An answer not yet
    // acknowledged by the server waits in localStorage, is sent again after a network
    // failure, and after a reload or on the next screen, so nothing is lost.
    var screen = document.querySelector(".exam-screen[data-attempt]");
    if (!screen) { return; }
    var form = screen.querySelector("form[data-answer-url]");
    var statusEl = screen.querySelector("[data-save-status]");
    var timerEl = screen.querySelector("[data-timer]");
    var attemptId = screen.getAttribute("data-attempt");
    var position = screen.getAttribute("data-position");
    var storageKey = "academy-exam-" + attemptId;
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var answerBase = form.getAttribute("data-answer-url").replace(/\/\d+\/answer\/$/, "/");
    var questionType = form.getAttribute("data-type");
    var resultUrl = screen.getAttribute("data-result-url");
    var text = function (name) { return screen.getAttribute("data-text-" + name) || ""; };
    var retryDelay = 1000;
    var retryTimer = null;
    var inFlight = {};
    var closed = false;

    function pending() {
        try { return JSON.parse(window.localStorage.getItem(storageKey) || "{}"); } catch (e) { return {}; }
    }
    function setPending(map) {
        try {
            if (Object.keys(map).length) { window.localStorage.setItem(storageKey, JSON.stringify(map)); }
            else { window.localStorage.removeItem(storageKey); }
        } catch (e) { /* private mode: the in-page retry still runs */ }
    }
    function remember(pos, answer) { var map = pending(); map[pos] = answer; setPending(map); }
    function forget(pos, answer) {
        var map = pending();
        if (JSON.stringify(map[pos]) === JSON.stringify(answer)) { delete map[pos]; setPending(map); }
    }
    function show(message) { if (statusEl) { statusEl.textContent = message; } }

    function currentAnswer() {
        if (questionType === "case") {
            var texts = [];
            form.querySelectorAll("[data-answer-text]").forEach(function (area) { texts.push(area.value); });
            return texts.some(function (t) { return t.trim() !== ""; }) ? texts : null;
        }
        var keys = [];
        form.querySelectorAll("[data-answer-choice]:checked").forEach(function (input) { keys.push(input.value); });
        keys.sort();
        return keys.length ? keys : null;
    }
    function restore(answer) {
        if (questionType === "case") {
            form.querySelectorAll("[data-answer-text]").forEach(function (area, index) {
                area.value = (answer && answer[index]) || "";
            });
            return;
        }
        form.querySelectorAll("[data-answer-choice]").forEach(function (input) {
            input.checked = !!answer && answer.indexOf(input.value) !== -1;
        });
    }
    function markMap(pos, answered) {
        var link = screen.querySelector("[data-map-position='" + pos + "']");
        if (link) { link.classList.toggle("question-map__item--answered", answered); }
    }

    function post(url, body) {
        return fetch(url, {
            method: "POST",
            credentials: "same-origin",
            keepalive: true,
            headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
            body: JSON.stringify(body)
        });
    }

    function closeAttempt(data) {
        closed = true;
        setPending({});
        show(text("closed"));
        window.location.assign((data && data.result_url) || resultUrl);
    }

    function scheduleRetry() {
        if (retryTimer) { return; }
        show(text("offline"));
        retryTimer = window.setTimeout(function () {
            retryTimer = null;
            flush();
        }, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 15000);
    }

    // Send one position's waiting answer; resolves true once the server has it.
    function send(pos, answer) {
        if (closed) { return Promise.resolve(false); }
        var body = JSON.stringify(answer);
        if (inFlight[pos] === body) { return Promise.resolve(false); }
        inFlight[pos] = body;
        if (String(pos) === position) { show(text("saving")); }
        return post(answerBase + pos + "/answer/", { answer: answer }).then(function (response) {
            delete inFlight[pos];
            if (response.status === 409) {
                return response.json().then(function (data) { closeAttempt(data); return false; });
            }
            if (response.status === 400 || response.status === 404 || response.status === 403) {
                // Refused for good: keeping it would resend it for ever.
                forget(pos, answer);
                return response.json().catch(function () { return {}; }).then(function (data) {
                    show(data.error || "");
                    return false;
                });
            }
            if (!response.ok) { throw new Error("HTTP " + response.status); }
            return response.json().then(function (data) {
                forget(pos, answer);
                retryDelay = 1000;
                markMap(pos, data.answered);
                if (String(pos) === position) { show(text("saved")); }
                return true;
            });
        }).catch(function () {
            delete inFlight[pos];
            scheduleRetry();
            return false;
        });
    }

    function flush() {
        var map = pending();
        var sends = Object.keys(map).map(function (pos) { return send(pos, map[pos]); });
        return Promise.all(sends).then(function (results) {
            return results.every(function (ok) { return ok; }) && !Object.keys(pending()).length;
        });
    }

    function answerChanged() {
        var answer = currentAnswer();
        remember(position, answer);
        send(position, answer);
    }

    var typing = null;
    form.addEventListener("change", function (event) {
        if (event.target.matches("[data-answer-choice]")) { answerChanged(); }
    });
    form.addEventListener("input", function (event) {
        if (!event.target.matches("[data-answer-text]")) { return; }
        remember(position, currentAnswer());
        window.clearTimeout(typing);
        typing = window.setTimeout(answerChanged, 800);
    });
    window.addEventListener("online", flush);
    window.addEventListener("pagehide", function () {
        // The tab closing: one last try with keepalive; localStorage keeps it otherwise.
        var map = pending();
        Object.keys(map).forEach(function (pos) { post(answerBase + pos + "/answer/", { answer: map[pos] }); });
    });

    // Moving between questions saves first; the links still work without the script.
    screen.addEventListener("click", function (event) {
        var flag = event.target.closest("[data-flag]");
        if (flag) {
            event.preventDefault();
            var flagged = flag.getAttribute("aria-pressed") !== "true";
            post(form.getAttribute("data-flag-url"), { flagged: flagged }).then(function (response) {
                if (response.status === 409) { return response.json().then(closeAttempt); }
                if (!response.ok) { throw new Error("HTTP " + response.status); }
                return response.json().then(function (data) {
                    flag.setAttribute("aria-pressed", data.flagged ? "true" : "false");
                    flag.value = data.flagged ? "0" : "1";
                    flag.textContent = data.flagged ? text("flagged") : text("flag");
                    var link = screen.querySelector("[data-map-position='" + position + "']");
                    if (link) { link.classList.toggle("question-map__item--flagged", data.flagged); }
                });
            }).catch(function () { show(text("offline")); });
            return;
        }
        var go = event.target.closest("[data-go]");
        if (!go) { return; }
        event.preventDefault();
        window.clearTimeout(typing);
        flush().then(function () {
            if (!closed) { window.location.assign(go.getAttribute("data-go")); }
        });
    });

    // After a reload: an answer the server never acknowledged is put back and sent.
    var waiting = pending();
    if (position in waiting) { restore(waiting[position]); }
    if (Object.keys(waiting).length) { flush(); }

    // The deadline is the server's: the countdown runs on the server's clock.
    var deadlineAttr = screen.getAttribute("data-deadline");
    if (deadlineAttr && timerEl) {
        var offset = Date.parse(screen.getAttribute("data-server-now")) - Date.now();
        var deadline = Date.parse(deadlineAttr);
        var pad = function (n) { return (n < 10 ? "0" : "") + n; };
        var tick = function () {
            var left = Math.max(0, Math.floor((deadline - (Date.now() + offset)) / 1000));
            var hours = Math.floor(left / 3600);
            var minutes = Math.floor((left % 3600) / 60);
            timerEl.textContent = (hours ? hours + ":" : "") + pad(minutes) + ":" + pad(left % 60);
            timerEl.classList.toggle("exam-timer--short", left < 300);
            if (left === 0) {
                window.clearInterval(interval);
                flush().then(function () { closeAttempt(null); });
            }
        };
        var interval = window.setInterval(tick, 1000);
        tick();
    }
})();
