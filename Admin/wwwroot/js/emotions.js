// Emotion explorer charts, drawn from the JSON the page embeds (#chart-data); no extra requests.
(() => {
  const data = JSON.parse(document.getElementById('chart-data').textContent);
  const labels = data.labels;
  const charts = {};
  charts.distribution = FaceCharts.pie(document.getElementById('chart-distribution'), labels, data.distribution);

  const buckets = data.timeline.buckets;
  const stamp = (t) => {
    const d = new Date(t);
    const iso = d.toISOString();
    return data.timeline.unit === 'day' ? iso.slice(0, 10) : iso.slice(5, 16).replace('T', ' ');
  };
  charts.timeline = new Chart(document.getElementById('chart-timeline'), {
    type: 'bar',
    data: {
      labels: buckets.map((b) => stamp(b.t)),
      datasets: labels.map((label, i) => ({
        label, data: buckets.map((b) => b.counts[i]), backgroundColor: FaceCharts.colour(label),
      })),
    },
    options: {
      scales: { x: { stacked: true, title: { display: true, text: `per ${data.timeline.unit} (UTC)` } },
                y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'faces' } } },
      plugins: { legend: { position: 'bottom' } },
    },
  });

  const profile = document.getElementById('chart-profile');
  if (profile && data.profile) {
    charts.profile = new Chart(profile, {
      type: 'radar',
      data: { labels, datasets: [{ label: 'mean probability', data: data.profile, backgroundColor: 'rgba(74,127,193,0.25)', borderColor: '#4a7fc1' }] },
      options: { scales: { r: { beginAtZero: true, suggestedMax: 1 } }, plugins: { legend: { display: false } } },
    });
  }
  window.emotionCharts = charts;
})();
