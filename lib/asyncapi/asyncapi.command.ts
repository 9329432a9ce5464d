import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestreamAsyncApi } from './nestream-asyncapi.js';
import { formatDocument, type DocumentFormat } from './document-formats.js';

export const ASYNCAPI_USAGE = `Usage: nestream asyncapi <module file>[#ExportName] [--format yaml|json] [--output file]

Prints the AsyncAPI 3 document of a Nest app module, without connecting to any broker.
The module file is JavaScript (a compiled app); for TypeScript, run the CLI under a loader:
  node --import tsx node_modules/nestream/dist/lib/cli.js asyncapi src/app.module.ts
Without #ExportName: the export named AppModule, else the default export, else the only
exported class decorated with @Module.`;

/** `nestream asyncapi ...`; resolves to the exit code. The document goes to stdout (or --output), the rest to stderr. */
export async function runAsyncApiCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { format: { type: 'string', short: 'f', default: 'yaml' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return usage(0);
  if (positionals.length !== 1) return usage(2, 'give one module file');
  if (values.format !== 'yaml' && values.format !== 'json') return usage(2, `--format is yaml or json, not '${values.format}'`);
  const module = await loadModule(positionals[0]!);
  const text = await formatDocument(await NestreamAsyncApi.fromModule(module), values.format as DocumentFormat);
  if (values.output) await writeFile(values.output, text);
  // Written before resolving: the CLI exits right after, and a pipe may still be flushing.
  else await new Promise<void>((done, fail) => process.stdout.write(text, (error) => (error ? fail(error) : done())));
  return 0;
}

function usage(code: number, problem?: string): number {
  process.stderr.write(`${problem ? `nestream asyncapi: ${problem}\n\n` : ''}${ASYNCAPI_USAGE}\n`);
  return code;
}

/** The app module a CLI command names: `<file>[#ExportName]` (the dlq command loads apps this way too). */
export async function loadModule(spec: string): Promise<Type | DynamicModule> {
  const hash = spec.lastIndexOf('#');
  const [file, exportName] = hash > 0 ? [spec.slice(0, hash), spec.slice(hash + 1)] : [spec, undefined];
  const exports = (await import(pathToFileURL(resolve(file)).href).catch((error: unknown) => {
    // Node alone either refuses .ts or strips types without decorators: say what works.
    if (!/\.[cm]?ts$/.test(file)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${file}: ${reason}\nA TypeScript module needs a loader with decorator support: point at the compiled JavaScript, or run the CLI under one (node --import tsx ...)`);
  })) as Record<string, unknown>;
  if (exportName) {
    if (!(exportName in exports)) throw new Error(`${file} has no export '${exportName}'; it exports ${Object.keys(exports).join(', ') || 'nothing'}`);
    return exports[exportName] as Type;
  }
  if (isModule(exports.AppModule)) return exports.AppModule;
  if (isModule(exports.default)) return exports.default;
  const modules = Object.entries(exports).filter(([, value]) => isModule(value));
  if (modules.length === 1) return modules[0]![1] as Type;
  throw new Error(
    modules.length === 0
      ? `${file} exports no class decorated with @Module`
      : `${file} exports several modules (${modules.map(([name]) => name).join(', ')}); name one: ${file}#${modules[0]![0]}`,
  );
}

/** @Module writes its keys (imports, providers, ...) as class metadata. */
function isModule(value: unknown): value is Type {
  return typeof value === 'function' && ['imports', 'providers', 'controllers', 'exports'].some((key) => Reflect.hasOwnMetadata(key, value));
}
