// agentmeter progressive enhancement: sortable tables and client-side CSV export.
// Pages work without this file; the server also serves every table as ?format=csv.
(function () {
  "use strict";

  function cellValue(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw !== null && raw !== "" && !isNaN(Number(raw))) return { num: Number(raw) };
    return { text: (cell.textContent || "").trim().toLowerCase() };
  }

  function compare(a, b) {
    if (a.num !== undefined && b.num !== undefined) return a.num - b.num;
    var at = a.text !== undefined ? a.text : String(a.num);
    var bt = b.text !== undefined ? b.text : String(b.num);
    return at.localeCompare(bt, undefined, { numeric: true });
  }

  function sortBy(table, header, column) {
    var body = table.tBodies[0];
    if (!body) return;
    var descending = header.getAttribute("aria-sort") !== "descending";
    var rows = Array.prototype.slice.call(body.rows).filter(function (row) {
      return row.cells.length > column;
    });
    rows.sort(function (r1, r2) {
      var order = compare(cellValue(r1.cells[column]), cellValue(r2.cells[column]));
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.querySelectorAll("thead th"), function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, column) {
      th.setAttribute("data-sortable", "");
      th.setAttribute("tabindex", "0");
      th.setAttribute("title", "Sort by " + (th.textContent || "").trim());
      th.addEventListener("click", function () { sortBy(table, th, column); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(table, th, column);
        }
      });
    });
  }

  function csvField(text) {
    var value = text.replace(/\s+/g, " ").trim();
    // Keep spreadsheet programs from running cell content as a formula.
    if (/^[=+\-@]/.test(value) && isNaN(Number(value.replace(/[$,%]/g, "")))) value = "'" + value;
    return /[",\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }

  function tableCsv(table) {
    return Array.prototype.map.call(table.rows, function (row) {
      return Array.prototype.map.call(row.cells, function (cell) {
        return csvField(cell.textContent || "");
      }).join(",");
    }).join("\r\n") + "\r\n";
  }

  function download(table) {
    var blob = new Blob([tableCsv(table)], { type: "text/csv;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = table.getAttribute("data-csv-name") + ".csv";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  // A server CSV link (a.csv-link in the same card) becomes an instant client-side export;
  // a table without one gets a "Download CSV" button.
  function makeExportable(table) {
    var card = table.closest(".card");
    var link = card && card.querySelector("a.csv-link");
    if (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        download(table);
      });
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-small";
    button.textContent = "Download CSV";
    button.addEventListener("click", function () { download(table); });
    var header = card && card.querySelector(".card-header");
    var actions = card && card.querySelector(".card-actions");
    if (!actions && header) {
      actions = document.createElement("div");
      actions.className = "card-actions";
      header.appendChild(actions);
    }
    if (actions) actions.insertBefore(button, actions.firstChild);
    else table.parentNode.insertBefore(button, table);
  }

  // A button[data-copy] copies the text of the element whose id it names.
  function makeCopyable(button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = "Copied";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), makeCopyable);
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("table[data-csv-name]"), makeExportable);
  });
})();
