// Forms marked data-confirm ask before submitting (delete person, revoke key).
document.addEventListener('submit', (event) => {
  const form = event.target;
  const message = form.dataset ? form.dataset.confirm : null;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
