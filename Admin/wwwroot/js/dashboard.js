// Live dashboard: polls the page's JSON handler every 2 s and updates figures and charts without reloading.
(() => {
  const url = `${window.location.pathname}?handler=Stats`;
  const $ = (id) => document.getElementById(id);
  const fmt = (v, digits = 0) => (v === null || v === undefined ? '—' : Number(v).toFixed(digits));
  let pie = null;
  let scatter = null;

  const drawPositions = (points) => {
    const byEmotion = {};
    for (const p of points) {
      (byEmotion[p.emotion] = byEmotion[p.emotion] || []).push({ x: p.x, y: p.y });
    }
    const datasets = Object.keys(byEmotion).sort().map((label) => ({
      label, data: byEmotion[label], backgroundColor: FaceCharts.colour(label), pointRadius: 4,
    }));
    if (!scatter) {
      scatter = new Chart($('chart-positions'), {
        type: 'scatter',
        data: { datasets },
        options: {
          // y grows downwards, as in the image.
          scales: { x: { min: 0, max: 1, title: { display: true, text: 'x / width' } },
                    y: { min: 0, max: 1, reverse: true, title: { display: true, text: 'y / height' } } },
          plugins: { legend: { position: 'bottom' } },
        },
      });
    } else {
      scatter.data.datasets = datasets;
      scatter.update();
    }
  };

  const apply = (s) => {
    $('fig-fps').textContent = fmt(s.framesPerSecond, 1);
    $('fig-faces-ps').textContent = fmt(s.facesPerSecond, 1);
    $('fig-queue').textContent = fmt(s.queueDepth);
    $('fig-workers').textContent = fmt(s.workersOnline);
    $('fig-persons').textContent = fmt(s.persons);
    $('fig-frames').textContent = fmt(s.frames);
    $('fig-faces').textContent = fmt(s.faces);
    if (!pie) {
      pie = FaceCharts.pie($('chart-emotions'), s.labels, s.distribution);
    } else {
      pie.data.datasets[0].data = s.distribution;
      pie.update();
    }
    drawPositions(s.points);
    $('updated').textContent = `updated ${new Date(s.at).toLocaleTimeString()}`;
    window.dashboardState = { snapshot: s, pie, scatter };
  };

  const tick = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (response.redirected || !response.ok) throw new Error(`HTTP ${response.status}`);
      apply(await response.json());
    } catch (e) {
      $('updated').textContent = `not updating: ${e.message}`;
    } finally {
      setTimeout(tick, 2000);
    }
  };
  tick();
})();
