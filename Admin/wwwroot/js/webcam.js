// Webcam capture: frames from getUserMedia, posted at the chosen rate to the page's Frame handler (which forwards
// them to the ingest Api); the faces it answers with are drawn over the video with name and emotion.
(() => {
  const $ = (id) => document.getElementById(id);
  const form = $('webcam-form');
  const video = $('video');
  const overlay = $('overlay');
  const grab = document.createElement('canvas');
  const counters = { sent: 0, analysed: 0, faces: 0 };
  let stream = null;
  let timer = null;
  let busy = false;

  const status = (text) => { $('webcam-status').textContent = text; };
  const count = () => {
    $('sent').textContent = counters.sent;
    $('analysed').textContent = counters.analysed;
    $('faces-seen').textContent = counters.faces;
  };

  const draw = (faces) => {
    overlay.width = video.clientWidth;
    overlay.height = video.clientHeight;
    const sx = overlay.width / video.videoWidth;
    const sy = overlay.height / video.videoHeight;
    const ctx = overlay.getContext('2d');
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    ctx.lineWidth = 3;
    ctx.font = '600 14px system-ui, sans-serif';
    for (const f of faces) {
      const x = f.x * sx; const y = f.y * sy; const w = f.w * sx; const h = f.h * sy;
      ctx.strokeStyle = '#2dd4bf';
      ctx.strokeRect(x, y, w, h);
      const engagement = f.engagement ? ` · ${Math.round(f.engagement.score)} ${f.engagement.status.replace('_', ' ')}` : '';
      const label = `${f.name || 'unknown'} · ${f.emotion || '?'}${engagement}`;
      const width = ctx.measureText(label).width + 10;
      // Keep the label inside the picture for faces at its right or top edge.
      const lx = Math.max(0, Math.min(x, overlay.width - width));
      const ly = y >= 22 ? y - 22 : y + h + 2;
      ctx.fillStyle = 'rgba(15, 23, 42, 0.8)';
      ctx.fillRect(lx, ly, width, 20);
      ctx.fillStyle = '#fff';
      ctx.fillText(label, lx + 5, ly + 15);
    }
    overlay.dataset.faces = String(faces.length);
  };

  const send = async () => {
    if (busy || !video.videoWidth) return;
    busy = true;
    grab.width = video.videoWidth;
    grab.height = video.videoHeight;
    grab.getContext('2d').drawImage(video, 0, 0);
    const blob = await new Promise((resolve) => grab.toBlob(resolve, 'image/jpeg', 0.85));
    const body = new FormData(form);
    body.append('image', blob, 'frame.jpg');
    counters.sent += 1;
    count();
    try {
      const response = await fetch(form.action, { method: 'POST', body });
      const result = await response.json();
      if (!response.ok) throw new Error(result.error || `HTTP ${response.status}`);
      counters.analysed += 1;
      counters.faces += result.faces.length;
      draw(result.faces);
      status(`frame ${result.status}: ${result.faces.length} face(s)`);
    } catch (e) {
      status(`error: ${e.message}`);
    } finally {
      busy = false;
      count();
    }
  };

  $('start').addEventListener('click', async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    } catch (e) {
      status(`camera unavailable: ${e.message}`);
      return;
    }
    video.srcObject = stream;
    await video.play();
    const rate = Number($('rate').value) || 1;
    timer = setInterval(send, 1000 / rate);
    $('start').disabled = true;
    $('stop').disabled = false;
    status(`camera on, ${rate} frame(s)/s`);
  });

  $('stop').addEventListener('click', () => {
    clearInterval(timer);
    if (stream) stream.getTracks().forEach((t) => t.stop());
    $('start').disabled = false;
    $('stop').disabled = true;
    status('Camera off.');
  });
})();
