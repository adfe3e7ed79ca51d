(function () {
    "use strict";
    var box = document.querySelector(".lesson-progress[data-beat-url]");
    if (!box) { return; }
    var url = box.getAttribute("data-beat-url");
    var interval = parseInt(box.getAttribute("data-beat-interval"), 10) * 1000 || 30000;
    var minutesEl = box.querySelector("[data-minutes]");
    var form = box.querySelector("form");
    var token = form ? form.querySelector("input[name=csrfmiddlewaretoken]").value : "";

    function beat(resume) {
        var body = new FormData();
        body.append("csrfmiddlewaretoken", token);
        if (resume) { body.append("resume", "1"); }
        fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token } })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (data) {
                if (data && minutesEl) { minutesEl.textContent = data.minutes_on_task; }
            })
            .catch(function () {});
    }

    beat(true);
    setInterval(function () {
        if (document.visibilityState === "visible") { beat(false); }
    }, interval);
    document.addEventListener("visibilitychange", function () {
        // Coming back to the page restarts the clock; hidden time earns nothing.
        if (document.visibilityState === "visible") { beat(true); }
    });
})();
