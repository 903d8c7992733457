// While a job is queued or running, refresh its status and progress every 2 s (no page reload).
(function () {
    const table = document.getElementById('jobs');
    async function poll() {
        const response = await fetch('?handler=Progress', { headers: { 'Accept': 'application/json' } });
        if (!response.ok) return;
        const rows = await response.json();
        let active = false;
        for (const j of rows) {
            const tr = table.querySelector(`tr[data-job-id="${j.id}"]`);
            if (!tr) { location.reload(); return; }
            tr.querySelector('.job-status').textContent = j.status;
            tr.querySelector('progress').value = j.percent ?? 0;
            tr.querySelector('.job-progress span').textContent = j.done + (j.total != null ? ' / ' + j.total : '');
            if (j.error) tr.querySelector('.job-result').textContent = j.error;
            active ||= j.status === 'queued' || j.status === 'running';
        }
        if (active) setTimeout(poll, 2000); else if (table.dataset.active === 'true') location.reload();
    }
    if (table.dataset.active === 'true') setTimeout(poll, 2000);
})();
