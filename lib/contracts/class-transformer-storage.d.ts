// class-transformer keeps its metadata in a module it does not re-export from its entry point,
// and ships no declaration beside it; this names the one export lib/contracts reads.
declare module 'class-transformer/cjs/storage.js' {
  import type { MetadataStorage } from 'class-transformer/types/MetadataStorage.js';
  export const defaultMetadataStorage: MetadataStorage;
}
