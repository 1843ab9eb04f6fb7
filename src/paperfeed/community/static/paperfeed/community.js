// Card forms (upvote, save, not interested) without a page reload. Without this script the same
// forms post and redirect back.
(function () {
  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Posts the form asking for JSON; resolves to {status, data}, or to null after sending a
  // signed-out visitor to the login page (which says why and comes back).
  function postForJson(form) {
    return fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) }
    })
      .then(function (response) {
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      })
      .then(function (result) {
        if (result.status === 401 && result.data.login_url) {
          window.location.href = result.data.login_url;
          return null;
        }
        return result;
      });
  }

  function render(form, voted, upvotes) {
    var button = form.querySelector("button");
    var count = form.querySelector("[data-upvote-count]");
    var action = form.querySelector("[data-upvote-action]");
    button.setAttribute("aria-pressed", voted ? "true" : "false");
    button.classList.toggle("is-voted", voted);
    button.title = voted ? "Remove your upvote" : "Upvote";
    if (count) count.textContent = upvotes.toLocaleString("en-US");
    if (action) action.value = voted ? "remove" : "up";
  }

  function announce(message) {
    var region = document.getElementById("upvote-status");
    if (!region) {
      region = document.createElement("p");
      region.id = "upvote-status";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      document.body.appendChild(region);
    }
    region.textContent = message;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-upvote]")) return;
    event.preventDefault();
    if (form.dataset.busy === "1") return; // one request at a time per button
    form.dataset.busy = "1";
    var button = form.querySelector("button");
    button.setAttribute("aria-busy", "true");
    // getAttribute: form.action would be the <input name="action"> inside the form.
    postForJson(form)
      .then(function (result) {
        if (result === null) return;
        if (result.status !== 200) throw new Error(result.data.error || "Vote failed");
        render(form, result.data.voted, result.data.upvotes);
        announce(result.data.voted ? "Upvoted" : "Upvote removed");
      })
      .catch(function () {
        form.removeAttribute("data-upvote"); // fall back to a normal post
        form.submit();
      })
      .finally(function () {
        form.dataset.busy = "0";
        button.removeAttribute("aria-busy");
      });
  });

  // "Save" and "Not interested": without this script the same forms post and redirect back (the
  // page then leaves the dismissed paper out).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-card-action]")) return;
    event.preventDefault();
    var kind = form.getAttribute("data-card-action");
    postForJson(form)
      .then(function (result) {
        if (result === null) return;
        if (result.status !== 200) throw new Error(result.data.error || "Failed");
        var button = form.querySelector("button");
        if (kind === "save") {
          button.textContent = "Saved";
          button.disabled = true;
          return;
        }
        var card = form.closest(".paper-card");
        var action = form.querySelector("input[name=action]");
        if (result.data.not_interested) {
          card.classList.add("is-dismissed");
          action.value = "undo";
          button.textContent = "Hidden: you will see fewer papers like it. Undo";
        } else {
          card.classList.remove("is-dismissed");
          action.value = "hide";
          button.textContent = "Not interested";
        }
      })
      .catch(function () {
        form.removeAttribute("data-card-action"); // fall back to a normal post
        form.submit();
      });
  });
})();
