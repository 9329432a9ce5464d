// `nestream/health`: the @nestjs/terminus indicator, apart from the main entry so that apps
// without terminus never load it. `NestreamHealth` (no terminus needed) is in 'nestream'.
export { NestreamHealthIndicator } from './nestream-health.indicator.js';
