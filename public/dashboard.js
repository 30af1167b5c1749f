// Progressive enhancement for the dashboard: every page works without this file. With it, filter
// selects apply on change and the parts marked data-refresh are re-fetched and swapped in place.
(() => {
  'use strict';
  const REFRESH_MS = 2500;
  document.documentElement.classList.add('js');

  for (const form of document.querySelectorAll('form[data-autosubmit]')) {
    for (const control of form.querySelectorAll('select, input[type=checkbox]')) {
      control.addEventListener('change', () => form.requestSubmit());
    }
    // Filters left empty stay out of the address, so it reads ?status=PAID rather than ?status=PAID&channel=&q=.
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const query = new URLSearchParams();
      for (const [name, value] of new FormData(form)) if (value !== '') query.append(name, value);
      const text = query.toString();
      location.assign(`${form.action.split('?')[0]}${text ? `?${text}` : ''}`);
    });
  }

  const regions = () => document.querySelectorAll('[data-refresh]');
  if (regions().length === 0) return;

  // Leave a region alone while the user is in it: a focused control or selected text would be lost.
  const busyWith = (region) => {
    const selection = window.getSelection();
    const selecting = selection && !selection.isCollapsed && region.contains(selection.anchorNode);
    const focused = document.activeElement && document.activeElement !== document.body && region.contains(document.activeElement);
    return selecting || focused;
  };

  const swap = (region, fresh) => {
    if (region.innerHTML === fresh.innerHTML || busyWith(region)) return;
    // <details> keep the state the user gave them.
    const open = new Map([...region.querySelectorAll('details[id]')].map((d) => [d.id, d.open]));
    region.innerHTML = fresh.innerHTML;
    for (const details of region.querySelectorAll('details[id]')) {
      if (open.has(details.id)) details.open = open.get(details.id);
    }
  };

  let stopped = false;
  let running = false;
  const refresh = async () => {
    if (stopped || running || document.hidden) return;
    running = true;
    try {
      const response = await fetch(location.href, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/html' } });
      // Signed out, or the page is gone (reset): stop rather than show a login form in a table cell.
      if (!response.ok) {
        stopped = true;
        return;
      }
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      for (const region of regions()) {
        const fresh = page.querySelector(`[data-refresh="${region.dataset.refresh}"]`);
        if (fresh) swap(region, fresh);
      }
    } catch {
      // The simulator is restarting or stopped; try again on the next tick.
    } finally {
      running = false;
    }
  };
  setInterval(refresh, REFRESH_MS);
  document.addEventListener('visibilitychange', refresh);
})();
