// Scanning a QR code with the camera on the verification portal. The page works without this script: the
// visitor can type the address. With it, the camera's frames are read by the browser's BarcodeDetector when it
// has one, otherwise by the vendored jsQR library (loaded only then); the address found is verified like a
// typed one, by submitting the form.
(function () {
  "use strict";
  var scan = document.getElementById("scan");
  if (!scan || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  var form = document.getElementById("url-form");
  var input = document.getElementById("url");
  var start = document.getElementById("scan-start");
  var stop = document.getElementById("scan-stop");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  var stream = null;
  var timer = null;
  var canvas = document.createElement("canvas");
  var jsQRSource = document.currentScript.src.replace(/portal-scan\.js.*$/, "jsQR-1.4.0.js");
  scan.hidden = false;

  function say(key) { status.textContent = status.dataset[key] || ""; }

  function finish() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
    video.hidden = true; stop.hidden = true; start.hidden = false;
  }

  function found(text) {
    if (!/^https?:\/\//i.test(text)) { say("notUrl"); return false; }
    finish();
    say("found");
    input.value = text;
    form.submit();
    return true;
  }

  function loadJsQR() {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) { resolve(window.jsQR); return; }
      var script = document.createElement("script");
      script.src = jsQRSource;
      script.onload = function () { resolve(window.jsQR); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function decoder() {
    if ("BarcodeDetector" in window) {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return Promise.resolve(function () {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      });
    }
    return loadJsQR().then(function (jsQR) {
      return function () {
        var width = video.videoWidth, height = video.videoHeight;
        if (!width || !height) { return Promise.resolve(null); }
        canvas.width = width; canvas.height = height;
        var context = canvas.getContext("2d", { willReadFrequently: true });
        context.drawImage(video, 0, 0, width, height);
        var code = jsQR(context.getImageData(0, 0, width, height).data, width, height);
        return Promise.resolve(code ? code.data : null);
      };
    });
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (media) {
      stream = media;
      video.srcObject = media;
      video.hidden = false; stop.hidden = false; start.hidden = true;
      say("looking");
      return video.play().then(decoder).then(function (read) {
        function tick() {
          if (!stream) { return; }
          read().then(function (text) {
            if (!(text && found(text))) { timer = setTimeout(tick, 250); }
          }, function () { timer = setTimeout(tick, 500); });
        }
        tick();
      });
    }).catch(function () { finish(); say("denied"); });
  });
  stop.addEventListener("click", finish);
})();
