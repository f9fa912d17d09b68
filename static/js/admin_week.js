// The week of a point's hours in the back office (structures/admin_week.py): « Copier le lundi sur les
// jours ouvrés », « Fermé » kept in step with the ranges (typing a range opens the day, « Fermé »
// empties it), and a live preview of the public text and of the OpenStreetMap form, computed by the
// server with the public page's own functions.
(function () {
  "use strict";

  function setUp(week) {
    var name = week.dataset.name;
    var preview = week.querySelector(".js-week-preview");
    var days = Array.prototype.slice.call(week.querySelectorAll(".js-week-day"));
    var timer = null;

    function fields(day) {
      return Array.prototype.slice.call(day.querySelectorAll(".js-week-range input, .js-week-range select"));
    }

    function showClosed(day) {
      day.classList.toggle("is-closed", day.querySelector(".js-week-closed").checked);
    }
    function refresh() {
      var params = new URLSearchParams();
      week.querySelectorAll("input, select").forEach(function (field) {
        if (field.name.indexOf(name + "_") !== 0) return;
        if (field.type === "checkbox") {
          if (field.checked) params.append(field.name, "on");
        } else {
          params.append(field.name, field.value);
        }
      });
      fetch(week.dataset.previewUrl + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : Promise.reject(response.status);
        })
        .then(function (answer) {
          preview.textContent = "";
          if (answer.errors.length) {
            var list = document.createElement("ul");
            list.className = "errorlist";
            answer.errors.forEach(function (message) {
              var item = document.createElement("li");
              item.textContent = message;
              list.appendChild(item);
            });
            preview.appendChild(list);
            return;
          }
          if (!answer.osm) {
            var none = document.createElement("p");
            none.textContent = "Horaires non renseignés : appelez avant de vous déplacer.";
            preview.appendChild(none);
            return;
          }
          // The server's own rendering of the public page's hours table (escaped there).
          var table = new DOMParser().parseFromString(answer.html, "text/html").body;
          while (table.firstChild) preview.appendChild(table.firstChild);
          var osm = document.createElement("p");
          osm.appendChild(document.createTextNode("Forme OpenStreetMap (données ouvertes) : "));
          osm.appendChild(document.createElement("code")).textContent = answer.osm;
          preview.appendChild(osm);
        })
        .catch(function () {
          preview.textContent = "Aperçu indisponible pour le moment : il sera à jour après l'enregistrement.";
        });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 300);
    }

    days.forEach(function (day) {
      var closed = day.querySelector(".js-week-closed");
      showClosed(day);
      closed.addEventListener("change", function () {
        if (closed.checked) {
          fields(day).forEach(function (field) {
            field.value = field.tagName === "SELECT" ? "weekly" : "";
          });
        }
        showClosed(day);
      });
      // A range typed opens the day.
      day.querySelectorAll(".js-week-range input").forEach(function (field) {
        field.addEventListener("input", function () {
          if (field.value.trim() && closed.checked) {
            closed.checked = false;
            showClosed(day);
          }
        });
      });
    });
    week.addEventListener("input", later);
    week.addEventListener("change", later);

    // Monday's ranges, weeks and notes to Tuesday … Friday.
    var tools = week.querySelector(".js-week-tools");
    tools.hidden = false;
    tools.querySelector(".js-week-copy").addEventListener("click", function () {
      var monday = days[0];
      var source = fields(monday);
      days.slice(1, 5).forEach(function (day) {
        var target = fields(day);
        day.querySelector(".js-week-closed").checked = monday.querySelector(".js-week-closed").checked;
        target.forEach(function (field, index) {
          field.value = source[index] ? source[index].value : field.tagName === "SELECT" ? "weekly" : "";
        });
        showClosed(day);
      });
      refresh();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".js-week").forEach(setUp);
  });
})();
