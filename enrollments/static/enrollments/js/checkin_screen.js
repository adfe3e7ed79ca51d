(function () {
    "use strict";
    // The check-in screen: a new code and QR code every minute, and the count so far.
    var screen = document.querySelector(".att-screen[data-state-url]");
    if (!screen) { return; }
    var url = screen.getAttribute("data-state-url");
    var checkinWindow = screen.getAttribute("data-checkin-window");
    var seconds = parseInt(screen.getAttribute("data-seconds-left"), 10) || 60;
    var secondsEl = document.getElementById("att-seconds");

    function refresh() {
        fetch(url, { credentials: "same-origin" }).then(function (response) {
            if (!response.ok) { throw new Error(response.status); }
            return response.json();
        }).then(function (state) {
            // The window opened or closed: the page shows the new state.
            if (state.checkin_window !== checkinWindow) { window.location.reload(); return; }
            document.getElementById("att-count").textContent = state.checked_in;
            seconds = state.seconds_left;
            if (state.checkin_window !== "open") { return; }
            document.getElementById("att-qr").innerHTML = state.qr_svg;
            document.getElementById("att-code").textContent = state.code;
        }).catch(function () { window.location.reload(); });
    }

    setInterval(function () {
        seconds -= 1;
        if (seconds <= 0) { seconds = 60; refresh(); }
        if (secondsEl) { secondsEl.textContent = seconds; }
    }, 1000);
})();
