import type { AsyncApiDocument } from './asyncapi-document.js';

export type DocumentFormat = 'json' | 'yaml';

export const CONTENT_TYPES: Readonly<Record<DocumentFormat, string>> = {
  json: 'application/json; charset=utf-8',
  yaml: 'application/yaml; charset=utf-8',
};

/**
 * The document as text. `yaml` is imported on first use, so apps that never ask for YAML
 * never load it. No anchors/aliases (shared objects are written out) and no line folding:
 * the output reads and diffs like the JSON.
 */
export async function formatDocument(document: AsyncApiDocument, format: DocumentFormat): Promise<string> {
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  const { stringify } = await import('yaml');
  return stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 });
}
