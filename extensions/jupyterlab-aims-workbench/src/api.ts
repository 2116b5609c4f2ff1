import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** An AIMS process the workbench runs from a notebook template. */
export interface IProcess {
  name: string;
  code: string;
  title: string;
  clauses: string[];
  /** What one record is about: an AI system, an item of one (of `item_kind`), or the organisation. */
  subject: 'system' | 'item' | 'organisation';
  item_kind: string;
  /** Who fills it in, as people write the role: "assessor", "AIMS manager". */
  role: string;
}

/** An item of an AI system that records can be about: a dataset, a supplier, ... */
export interface IItem {
  id: string;
  kind: string;
  name: string;
}

/** The subject id of an organisation-wide run. */
export const ORGANISATION = 'organisation';

/** The latest evidence of a system; `url` is null when the server cannot serve the file. */
export interface ILatestEvidence {
  run_id: string;
  process: string;
  item_id: string;
  /** The process's one line about the record. */
  headline: string;
  effective_date: string;
  status: string;
  url: string | null;
}

/** The latest record of one process about a subject; `url` is null when the server cannot serve the file. */
export interface IRecord {
  run_id: string;
  process: string;
  /** The process's title, from the registry. */
  title: string;
  item_id: string;
  item_name: string;
  headline: string;
  effective_date: string;
  /** As a reviewer reads it: awaiting approval, approved, rejected, awaiting confirmation. */
  status: string;
  url: string | null;
}

/** The organisation-wide records and the portfolio page (`portfolio` null until one is written). */
export interface IOrganisation {
  name: string;
  records: IRecord[];
  portfolio: string | null;
}

/** An AI system with its review status. */
export interface ISystem {
  system_id: string;
  name: string;
  tier: string;
  owner: string;
  state: 'current' | 'due' | 'overdue' | 'awaiting confirmation' | 'awaiting approval';
  reason: string;
  next_review: string | null;
  latest: ILatestEvidence | null;
  /** The latest record of each process (and item) about the system. */
  records: IRecord[];
  items: IItem[];
  /** What needs attention in the system's registers: an overdue incident report, a changed dataset file. */
  flags: IFlag[];
}

/** One entry of a register that needs attention. */
export interface IFlag {
  kind: string;
  key: string;
  title: string;
  clause: string;
  message: string;
}

/** Who acts in this server: under JupyterHub the signed-in user's person; else the one whose key it holds. */
export interface IIdentity {
  hub_user: string;
  person: string;
  name: string;
  roles: string[];
  /** Whether the server holds the person's key, so that their acts can be signed. */
  signs: boolean;
  /** The people whose keys the server holds. */
  held: string[];
}

/** Call the workbench server extension; throw an Error carrying the server's message. */
export async function requestAPI<T>(endPoint: string, init: RequestInit = {}): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'aims-workbench', endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  const text = await response.text();
  let data: any = text;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    // not JSON: keep the text for the message
  }
  if (!response.ok) {
    const message = (data && data.message) || text || response.statusText;
    throw new Error(message);
  }
  return data as T;
}

/** A URL that serves a file of the server's root in a new browser tab. */
export function fileURL(path: string): string {
  const settings = ServerConnection.makeSettings();
  return URLExt.join(settings.baseUrl, 'files', URLExt.encodeParts(path));
}
