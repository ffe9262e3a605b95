// Article pages: ask before an action that replaces text (restoring a revision). Without JavaScript the same
// forms work, without the question.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
