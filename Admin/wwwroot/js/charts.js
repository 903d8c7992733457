// Shared Chart.js helpers: one colour per emotion label, used by every chart so a colour always means the same.
window.FaceCharts = (() => {
  const colours = {
    angry: '#d9534f', disgust: '#7b9e3a', fear: '#8e6cc2', happy: '#f0b429',
    sad: '#4a7fc1', surprise: '#e07b39', neutral: '#9aa5b1',
  };
  const colour = (label) => colours[label] || '#607080';
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#334';
  Chart.defaults.animation = false;

  const pie = (canvas, labels, values) => new Chart(canvas, {
    type: 'doughnut',
    data: { labels, datasets: [{ data: values, backgroundColor: labels.map(colour), borderWidth: 1 }] },
    options: { plugins: { legend: { position: 'right' } } },
  });

  return { colour, pie };
})();
