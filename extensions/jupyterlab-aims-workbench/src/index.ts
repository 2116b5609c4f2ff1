import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ISessionContext, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { IDocumentWidget } from '@jupyterlab/docregistry';
import { ILauncher } from '@jupyterlab/launcher';
import { LabIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { IProcess, ISystem, ORGANISATION, requestAPI } from './api';
import { SystemsPanel } from './panel';

const CREATE = 'aims-workbench:create';
const REVIEW = 'aims-workbench:periodic-review';
const CATEGORY = 'AIMS Workbench';

const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">
<path class="jp-icon3" fill="#616161" d="M12 2 3 6v6c0 5 3.8 9.7 9 10 5.2-.3 9-5 9-10V6l-9-4zm-1.2 14.2-3.5-3.5 1.4-1.4 2.1 2.1 4.9-4.9 1.4 1.4-6.3 6.3z"/>
</svg>`;

export const aimsIcon = new LabIcon({ name: 'aims-workbench:icon', svgstr: ICON_SVG });

/** The subject a new notebook is for: an AI system, and an item of it for a process about items. */
interface ISubject {
  system_id: string;
  item_id: string;
}

/** The dialog body that asks which AI system (or which item of one) a new notebook is for. */
class SubjectChooser extends Widget {
  constructor(label: string, options: { value: string; text: string }[]) {
    super();
    this.addClass('jp-AimsChooser');
    const caption = document.createElement('label');
    caption.htmlFor = 'jp-AimsChooser-system';
    caption.textContent = label;
    this._select = document.createElement('select');
    this._select.id = 'jp-AimsChooser-system';
    for (const { value, text } of options) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = text;
      this._select.append(option);
    }
    this.node.append(caption, this._select);
  }

  getValue(): string {
    return this._select.value;
  }

  private _select: HTMLSelectElement;
}

/**
 * Resolve once the kernel is connected and idle, and has been for a moment: running cells
 * earlier races the widget manager's own start-up and loses the form's widgets.
 */
function settled(sessionContext: ISessionContext, quiet = 750, limit = 60000): Promise<void> {
  return new Promise(resolve => {
    const started = Date.now();
    let idleSince = 0;
    const timer = setInterval(() => {
      const kernel = sessionContext.session?.kernel;
      const ready = kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
      idleSince = ready ? idleSince || Date.now() : 0;
      if ((idleSince && Date.now() - idleSince >= quiet) || Date.now() - started > limit) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
  });
}

/** Ask which AI system (or item of one) the notebook is for; organisation-wide processes need no answer. */
async function chooseSubject(process: IProcess): Promise<ISubject | null> {
  if (process.subject === 'organisation') {
    return { system_id: ORGANISATION, item_id: '' };
  }
  const systems = await requestAPI<ISystem[]>('systems');
  const options =
    process.subject === 'item'
      ? systems.flatMap(system =>
          system.items
            .filter(item => item.kind === process.item_kind)
            .map(item => ({ value: `${system.system_id}/${item.id}`, text: `${system.name}: ${item.name} (${item.id})` }))
        )
      : systems.map(system => ({ value: system.system_id, text: `${system.name} (${system.system_id}): ${system.state}` }));
  if (!options.length) {
    const missing =
      process.subject === 'item'
        ? `Register a ${process.item_kind} of an AI system first: workbench item add --kind ${process.item_kind}`
        : 'Register an AI system first: workbench system add';
    await showErrorMessage(process.subject === 'item' ? `No ${process.item_kind}` : 'No AI systems', missing);
    return null;
  }
  const label =
    process.subject === 'item'
      ? `The ${process.item_kind} for the ${process.title.toLowerCase()}`
      : `AI system for the ${process.title.toLowerCase()}`;
  const result = await showDialog({
    title: process.title,
    body: new SubjectChooser(label, options),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Create notebook' })]
  });
  if (!result.button.accept || !result.value) {
    return null;
  }
  const [system_id, item_id = ''] = result.value.split('/');
  return { system_id, item_id };
}

async function create(app: JupyterFrontEnd, process: IProcess, panel: SystemsPanel): Promise<void> {
  const subject = await chooseSubject(process);
  if (!subject) {
    return;
  }
  const created = await requestAPI<{ path: string }>('notebooks', {
    method: 'POST',
    body: JSON.stringify({ process: process.name, ...subject })
  });
  const widget = await app.commands.execute('docmanager:open', { path: created.path, factory: 'Notebook' });
  void panel.refresh();
  // run the template once so that its form shows; without answers it only draws the form
  const context = (widget as IDocumentWidget).context;
  await context.sessionContext.ready;
  await settled(context.sessionContext);
  app.shell.activateById((widget as IDocumentWidget).id);
  await app.commands.execute('notebook:run-all-cells');
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-aims-workbench:plugin',
  description: 'A launcher card per AIMS process and a side panel of AI systems with their review status.',
  autoStart: true,
  optional: [ILauncher, ILayoutRestorer],
  activate: async (app: JupyterFrontEnd, launcher: ILauncher | null, restorer: ILayoutRestorer | null) => {
    const panel = new SystemsPanel();
    panel.id = 'aims-workbench-systems';
    panel.title.icon = aimsIcon;
    panel.title.caption = 'AIMS Workbench: AI systems';
    app.shell.add(panel, 'left', { rank: 600 });
    if (restorer) {
      restorer.add(panel, panel.id);
    }

    app.commands.addCommand(CREATE, {
      label: args => (args.title as string) || 'AIMS process',
      caption: args => `Create a ${args.title as string} notebook for an AI system`,
      icon: aimsIcon,
      execute: async args => {
        const process = args as unknown as IProcess;
        try {
          await create(app, process, panel);
        } catch (error) {
          await showErrorMessage(`Could not create the ${process.title}`, (error as Error).message);
        }
      }
    });

    app.commands.addCommand(REVIEW, {
      label: 'Periodic review',
      caption: "Open the periodic review's notebook, to schedule with jupyter-scheduler",
      icon: aimsIcon,
      execute: async () => {
        try {
          const written = await requestAPI<{ path: string }>('review-notebook', { method: 'POST' });
          await app.commands.execute('docmanager:open', { path: written.path, factory: 'Notebook' });
          // jupyter-scheduler's Create Job takes the file selected in the file browser, not the open notebook
          await app.commands.execute('filebrowser:go-to-path', { path: written.path });
        } catch (error) {
          await showErrorMessage("Could not open the periodic review's notebook", (error as Error).message);
        }
      }
    });

    let processes: IProcess[] = [];
    try {
      processes = await requestAPI<IProcess[]>('processes');
    } catch (error) {
      console.error('AIMS Workbench: could not list the processes', error);
    }
    if (launcher) {
      processes.forEach((process, rank) => {
        launcher.add({ command: CREATE, args: { ...process }, category: CATEGORY, rank });
      });
      launcher.add({ command: REVIEW, category: CATEGORY, rank: processes.length });
    }
  }
};

export default plugin;
