// The console's only script, no build step. Long operations (an import, a poll) run on the server;
// an element with data-progress="<url>" asks that url how far they got and reloads the page when
// they are over, so the page is never blocked and the result is rendered by the server as usual.
// HTML fragments rendered by the server, in the manner of htmx: data-poll="<url>" replaces the
// element's content with the url's answer every second until the answer carries data-done (then the
// page reloads with the final figures); data-live="<url>" posts the enclosing form (CSRF field
// included) whenever a field changes and shows the answer in the element.
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

  function poll(el) {
    var url = el.getAttribute('data-poll');
    function ask() {
      fetch(url, {headers: {'Accept': 'text/html'}, credentials: 'same-origin'})
        .then(function (r) {
          if (!r.ok) { throw new Error('HTTP ' + r.status); }
          return r.text();
        })
        .then(function (html) {
          var answer = document.createElement('div');
          answer.innerHTML = html;
          var fragment = answer.firstElementChild;
          var target = fragment && fragment.id ? el.querySelector('#' + fragment.id) : null;
          if (target) { target.replaceWith(fragment); } else { el.innerHTML = html; }
          if (fragment && fragment.hasAttribute('data-done')) { window.location.reload(); return; }
          setTimeout(ask, 1000);
        })
        .catch(function () { setTimeout(ask, 2000); });
    }
    setTimeout(ask, 500);
  }

  function live(el) {
    var form = el.closest('form');
    var url = el.getAttribute('data-live');
    var timer = null;
    var asked = 0;
    function ask() {
      var mine = ++asked;
      fetch(url, {method: 'POST', credentials: 'same-origin',
                  headers: {'Content-Type': 'application/x-www-form-urlencoded', 'Accept': 'text/html'},
                  body: new URLSearchParams(new FormData(form)).toString()})
        .then(function (r) { return r.text(); })
        .then(function (html) { if (mine === asked) { el.innerHTML = html; } });
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(ask, 350);
    }
    form.addEventListener('input', later);
    form.addEventListener('change', later);
    ask();
  }

  function confirmBefore(form) {
    form.addEventListener('submit', function (e) {
      if (!window.confirm(form.getAttribute('data-confirm'))) { e.preventDefault(); }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-progress]').forEach(watch);
    document.querySelectorAll('form[data-confirm]').forEach(confirmBefore);
    document.querySelectorAll('[data-poll]').forEach(poll);
    document.querySelectorAll('[data-live]').forEach(live);
  });
})();
