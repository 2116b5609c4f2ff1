import { refreshIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { fileURL, ISystem, requestAPI } from './api';

/** The side panel: every AI system with its review status and a link to its latest evidence. */
export class SystemsPanel extends Widget {
  constructor() {
    super();
    this.addClass('jp-AimsPanel');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'AIMS Workbench: AI systems');
    const header = document.createElement('div');
    header.className = 'jp-AimsPanel-header';
    const heading = document.createElement('h2');
    heading.textContent = 'AI systems';
    const refresh = document.createElement('button');
    refresh.className = 'jp-AimsPanel-refresh jp-Button jp-mod-minimal';
    refresh.title = 'Refresh the review status';
    refresh.setAttribute('aria-label', 'Refresh the review status');
    refreshIcon.element({ container: refresh });
    refresh.addEventListener('click', () => void this.refresh());
    header.append(heading, refresh);
    this._status = document.createElement('p');
    this._status.className = 'jp-AimsPanel-status';
    this._status.setAttribute('role', 'status');
    this._list = document.createElement('ul');
    this._list.className = 'jp-AimsPanel-list';
    this.node.append(header, this._status, this._list);
  }

  /** Fetch the systems and redraw the list. */
  async refresh(): Promise<void> {
    this._status.textContent = 'Loading…';
    try {
      const systems = await requestAPI<ISystem[]>('systems');
      this._draw(systems);
      this._status.textContent = systems.length
        ? `${systems.length} system(s), updated ${new Date().toLocaleTimeString()}`
        : 'No AI systems registered yet.';
    } catch (error) {
      this._status.textContent = `Could not load the systems: ${(error as Error).message}`;
    }
  }

  protected onAfterShow(): void {
    void this.refresh();
  }

  private _draw(systems: ISystem[]): void {
    this._list.replaceChildren(
      ...systems.map(system => {
        const item = document.createElement('li');
        item.className = 'jp-AimsPanel-system';
        item.dataset.systemId = system.system_id;
        const name = document.createElement('span');
        name.className = 'jp-AimsPanel-name';
        name.textContent = system.name;
        const state = document.createElement('span');
        state.className = `jp-AimsPanel-state jp-AimsPanel-state-${system.state.replace(' ', '-')}`;
        state.textContent = system.state;
        state.title = system.reason;
        const detail = document.createElement('div');
        detail.className = 'jp-AimsPanel-detail';
        detail.textContent = `${system.system_id} · tier ${system.tier}` +
          (system.next_review ? ` · next review ${system.next_review}` : '');
        item.append(name, state, detail);
        const latest = system.latest;
        if (latest && latest.url) {
          const link = document.createElement('a');
          link.className = 'jp-AimsPanel-evidence';
          link.href = fileURL(latest.url);
          link.target = '_blank';
          link.rel = 'noopener';
          link.textContent = `Latest evidence: ${latest.process}, ${latest.effective_date}`;
          link.setAttribute('aria-label', `Open the latest evidence of ${system.name}: ${latest.run_id}`);
          item.append(link);
          if (latest.headline) {
            const headline = document.createElement('div');
            headline.className = 'jp-AimsPanel-detail';
            headline.textContent = latest.headline;
            item.append(headline);
          }
        } else {
          const none = document.createElement('div');
          none.className = 'jp-AimsPanel-detail';
          none.textContent = latest ? `Latest evidence ${latest.run_id} is outside the server's folder` : 'No evidence yet';
          item.append(none);
        }
        return item;
      })
    );
  }

  private _status: HTMLParagraphElement;
  private _list: HTMLUListElement;
}
