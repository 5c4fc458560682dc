// The console's only script, no build step. Long operations (an import, a poll) run on the server;
// an element with data-progress="<url>" asks that url how far they got and reloads the page when
// they are over, so the page is never blocked and the result is rendered by the server as usual.
(function () {
  'use strict';

  function watch(el) {
    var url = el.getAttribute('data-progress');
    var bar = el.querySelector('progress');
    var text = el.querySelector('[data-progress-text]');
    function ask() {
      fetch(url, {headers: {'Accept': 'application/json'}, credentials: 'same-origin'})
        .then(function (r) {
          if (!r.ok) { throw new Error('HTTP ' + r.status); }
          return r.json();
        })
        .then(function (p) {
          if (p.done) { window.location.reload(); return; }
          if (bar && typeof p.percent === 'number') { bar.value = p.percent; }
          if (text && p.text) { text.textContent = p.text; }
          setTimeout(ask, 700);
        })
        .catch(function () { setTimeout(ask, 2000); });
    }
    setTimeout(ask, 400);
  }

  function confirmBefore(form) {
    form.addEventListener('submit', function (e) {
      if (!window.confirm(form.getAttribute('data-confirm'))) { e.preventDefault(); }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-progress]').forEach(watch);
    document.querySelectorAll('form[data-confirm]').forEach(confirmBefore);
  });
})();
