/* The template editor: CodeMirror 5 over the draft's textareas, the
 * save-time checks as you type (one debounced request for all fields, since
 * the checks judge the prompts together), errors marked on their lines and
 * listed with links to them, and completions with their help.
 * Without the library the page is the same form with plain textareas. */
(function () {
  "use strict";
  var form = document.getElementById("draft-form");
  if (!form) {
    return;
  }
  var statusLine = document.getElementById("check-status");
  var list = document.getElementById("check-errors");
  var docPanel = document.getElementById("doc-panel");
  var completions = JSON.parse(document.getElementById("studio-completions").textContent);
  var editors = {}; // check field name ("systemPrompt") -> CodeMirror
  var marks = [];
  var timer = null;
  var generation = 0;
  var DELAY_MS = 400;

  function showDoc(item) {
    docPanel.textContent = "";
    var title = document.createElement("p");
    var code = document.createElement("code");
    code.textContent = item.signature;
    title.appendChild(code);
    var text = document.createElement("p");
    text.textContent = item.doc;
    docPanel.appendChild(title);
    docPanel.appendChild(text);
  }

  function wordBefore(cm) {
    var cursor = cm.getCursor();
    var line = cm.getLine(cursor.line).slice(0, cursor.ch);
    var match = /[\w.]*$/.exec(line);
    return {word: match ? match[0] : "", from: CodeMirror.Pos(cursor.line, cursor.ch - (match ? match[0].length : 0)), to: cursor};
  }

  function hint(cm) {
    var at = wordBefore(cm);
    var wanted = at.word.toLowerCase();
    var found = completions.filter(function (item) {
      return item.name.toLowerCase().indexOf(wanted) === 0;
    }).map(function (item) {
      var text = item.type === "function" ? item.name + "(" : item.name;
      return {text: text, displayText: item.signature + "  · " + item.type, item: item};
    });
    var result = {list: found, from: at.from, to: at.to};
    CodeMirror.on(result, "select", function (completion) { showDoc(completion.item); });
    return result;
  }

  function insideTag(cm) {
    var cursor = cm.getCursor();
    var before = cm.getLine(cursor.line).slice(0, cursor.ch);
    var open = Math.max(before.lastIndexOf("{{"), before.lastIndexOf("{%"));
    var close = Math.max(before.lastIndexOf("}}"), before.lastIndexOf("%}"));
    return open > close;
  }

  function clearMarks() {
    marks.forEach(function (mark) { mark.clear(); });
    marks = [];
    Object.keys(editors).forEach(function (field) { editors[field].clearGutter("check-gutter"); });
  }

  function markError(error) {
    var cm = editors[error.field];
    if (!cm || !error.line) {
      return;
    }
    var line = Math.min(error.line - 1, cm.lineCount() - 1);
    var start = error.column ? error.column - 1 : 0;
    var end = cm.getLine(line).length;
    if (start >= end) {
      start = 0;
    }
    marks.push(cm.markText(CodeMirror.Pos(line, start), CodeMirror.Pos(line, end), {
      className: "CodeMirror-lint-mark-error",
      attributes: {title: error.message}
    }));
    var marker = document.createElement("span");
    marker.className = "CodeMirror-lint-marker-error";
    marker.title = error.message;
    cm.setGutterMarker(line, "check-gutter", marker);
  }

  function where(error) {
    var text = error.field;
    if (error.line) {
      text += ", line " + error.line;
    }
    if (error.column) {
      text += ", column " + error.column;
    }
    return text;
  }

  function render(errors) {
    clearMarks();
    list.textContent = "";
    errors.forEach(function (error) {
      markError(error);
      var item = document.createElement("li");
      item.className = "error";
      var jump = document.createElement("button");
      jump.type = "button";
      jump.className = "link";
      jump.textContent = where(error);
      jump.addEventListener("click", function () {
        var cm = editors[error.field];
        if (cm) {
          cm.focus();
          cm.setCursor(CodeMirror.Pos((error.line || 1) - 1, (error.column || 1) - 1));
        } else {
          var field = form.querySelector("[data-json='" + error.field + "']");
          if (field) {
            field.closest("details").open = true;
            field.focus();
          }
        }
      });
      item.appendChild(jump);
      item.appendChild(document.createTextNode(": " + error.message));
      list.appendChild(item);
    });
    statusLine.textContent = errors.length ? errors.length + " problem(s): a save would refuse this text." : "No problems: the text passes the save-time checks.";
    statusLine.className = errors.length ? "error" : "ok";
    form.dataset.checked = String(generation);
  }

  function check() {
    var mine = ++generation;
    Object.keys(editors).forEach(function (field) { editors[field].save(); });
    statusLine.textContent = "Checking…";
    statusLine.className = "muted";
    fetch(form.dataset.checkUrl, {method: "POST", body: new FormData(form), credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (mine === generation) {
          render(data.errors || []);
        }
      })
      .catch(function () {
        if (mine === generation) {
          statusLine.textContent = "The checks could not run (connection lost); a save still runs them.";
        }
      });
  }

  function checkSoon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, DELAY_MS);
  }

  if (typeof CodeMirror !== "undefined") {
    CodeMirror.commands.autocomplete = function (cm) {
      cm.showHint({hint: hint, completeSingle: false});
    };
    form.querySelectorAll("textarea[data-editor]").forEach(function (textarea) {
      var label = form.querySelector("label[for='" + textarea.id + "']");
      var cm = CodeMirror.fromTextArea(textarea, {
        mode: {name: "jinja2"},
        lineNumbers: true,
        lineWrapping: true,
        matchBrackets: true,
        inputStyle: "contenteditable",
        screenReaderLabel: label ? label.textContent : textarea.name,
        gutters: ["check-gutter", "CodeMirror-linenumbers"],
        viewportMargin: Infinity,
        // Tab leaves the editor (no keyboard trap); indentation is typed.
        extraKeys: {"Tab": false, "Shift-Tab": false, "Ctrl-Space": "autocomplete"}
      });
      var input = cm.getInputField();
      input.id = textarea.id + "-editor";
      // The editable area is a multi-line text box to assistive technology.
      input.setAttribute("role", "textbox");
      input.setAttribute("aria-multiline", "true");
      if (label) {
        label.htmlFor = input.id;
      }
      cm.on("changes", checkSoon);
      cm.on("inputRead", function (instance, change) {
        if (/[\w.]/.test(change.text.join("")) && insideTag(instance)) {
          instance.showHint({hint: hint, completeSingle: false});
        }
      });
      cm.on("cursorActivity", function (instance) {
        var token = instance.getTokenAt(instance.getCursor());
        var name = (token.string || "").trim();
        var item = completions.filter(function (c) { return c.name === name; })[0];
        if (item) {
          showDoc(item);
        }
      });
      editors[textarea.dataset.editor] = cm;
    });
  } else {
    form.querySelectorAll("textarea[data-editor]").forEach(function (textarea) {
      textarea.addEventListener("input", checkSoon);
    });
  }
  form.querySelectorAll("textarea[data-json]").forEach(function (textarea) {
    textarea.addEventListener("input", checkSoon);
  });
  check();
}());
