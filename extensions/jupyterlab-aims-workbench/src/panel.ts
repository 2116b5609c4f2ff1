import { refreshIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { fileURL, IIdentity, IOrganisation, IRecord, ISystem, requestAPI } from './api';

/** A link that opens a file the server serves in a new browser tab. */
function fileLink(path: string, text: string): HTMLAnchorElement {
  const link = document.createElement('a');
  link.href = fileURL(path);
  link.target = '_blank';
  link.rel = 'noopener';
  link.textContent = text;
  return link;
}

function detail(text: string): HTMLDivElement {
  const line = document.createElement('div');
  line.className = 'jp-AimsPanel-detail';
  line.textContent = text;
  return line;
}

/** A list of records, each its title (a link to its evidence), date, status and one line about it. */
function recordList(records: IRecord[], subject: string): HTMLUListElement {
  const list = document.createElement('ul');
  list.className = 'jp-AimsPanel-records';
  list.setAttribute('aria-label', `Latest records: ${subject}`);
  for (const record of records) {
    const item = document.createElement('li');
    item.className = 'jp-AimsPanel-record';
    item.dataset.process = record.process;
    const title = record.item_id ? `${record.title}: ${record.item_name}` : record.title;
    if (record.url) {
      const link = fileLink(record.url, title);
      link.className = 'jp-AimsPanel-evidence';
      link.title = record.run_id;
      link.setAttribute('aria-label', `Open the evidence: ${title}, ${subject}`);
      item.append(link);
    } else {
      const name = document.createElement('span');
      name.textContent = `${title} (${record.run_id}, outside the server's folder)`;
      item.append(name);
    }
    item.append(detail(`${record.effective_date} · ${record.status}`));
    if (record.headline) {
      item.append(detail(record.headline));
    }
    list.append(item);
  }
  if (!records.length) {
    const none = document.createElement('li');
    none.className = 'jp-AimsPanel-detail';
    none.textContent = 'No records yet';
    list.append(none);
  }
  return list;
}

/** The line that says who acts in this server, and whether they can sign. */
function whoActs(who: IIdentity): string {
  const hub = who.hub_user ? `Signed in to JupyterHub as ${who.hub_user}: ` : '';
  if (who.person && who.signs) {
    return `${hub}acting as ${who.name} (${who.person})`;
  }
  if (who.person) {
    return `${hub}${who.name} (${who.person}); no key of theirs is held here, so nothing can be signed`;
  }
  return who.held.length
    ? `Keys held for ${who.held.join(', ')}: the forms ask who acts`
    : 'No key held here: nothing can be signed (workbench key new)';
}

/**
 * The side panel: every AI system with its review status and the latest record of each process
 * about it, the organisation-wide records, and the portfolio page.
 */
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
    this._who = document.createElement('p');
    this._who.className = 'jp-AimsPanel-status jp-AimsPanel-who';
    this._status = document.createElement('p');
    this._status.className = 'jp-AimsPanel-status';
    this._status.setAttribute('role', 'status');
    this._portfolio = document.createElement('p');
    this._portfolio.className = 'jp-AimsPanel-status';
    this._list = document.createElement('ul');
    this._list.className = 'jp-AimsPanel-list';
    const organisation = document.createElement('h2');
    organisation.textContent = 'Organisation-wide';
    this._organisation = document.createElement('div');
    this._organisation.className = 'jp-AimsPanel-organisation';
    this.node.append(header, this._who, this._status, this._portfolio, this._list, organisation, this._organisation);
  }

  /** Fetch the systems and the organisation-wide records, and redraw. */
  async refresh(): Promise<void> {
    this._status.textContent = 'Loading…';
    requestAPI<IIdentity>('identity')
      .then(who => (this._who.textContent = whoActs(who)))
      .catch(error => (this._who.textContent = `Nobody acts here: ${(error as Error).message}`));
    try {
      const [systems, organisation] = await Promise.all([
        requestAPI<ISystem[]>('systems'),
        requestAPI<IOrganisation>('organisation')
      ]);
      this._draw(systems, organisation);
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

  private _draw(systems: ISystem[], organisation: IOrganisation): void {
    if (organisation.portfolio) {
      const link = fileLink(organisation.portfolio, 'Portfolio: every latest record');
      link.className = 'jp-AimsPanel-portfolio';
      this._portfolio.replaceChildren(link);
    } else {
      this._portfolio.replaceChildren('No portfolio page yet: the first record writes it.');
    }
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
        item.append(
          name,
          state,
          detail(
            `${system.system_id} · tier ${system.tier}` + (system.next_review ? ` · next review ${system.next_review}` : '')
          ),
          ...system.flags.map(flag => {
            const line = detail(`${flag.title}: ${flag.message}`);
            line.className = 'jp-AimsPanel-detail jp-AimsPanel-flag';
            line.dataset.kind = flag.kind;
            return line;
          }),
          recordList(system.records, system.name)
        );
        return item;
      })
    );
    this._organisation.replaceChildren(recordList(organisation.records, `${organisation.name} (organisation-wide)`));
  }

  private _who: HTMLParagraphElement;
  private _status: HTMLParagraphElement;
  private _portfolio: HTMLParagraphElement;
  private _list: HTMLUListElement;
  private _organisation: HTMLDivElement;
}
