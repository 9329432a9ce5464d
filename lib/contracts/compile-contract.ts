import { NestreamLogger } from '../core/logger.js';
import { readContractRules, type ContractRule } from './contract-rules.js';
import { plainInstanceBuilder, type InstanceBuilder } from './plain-instance.js';
import { checkFor, type ValueCheck } from './rule-checks.js';
import { sameAsClassValidator } from './rule-probe.js';

/** One checking rule, compiled. */
export interface CompiledRule {
  /** The key it fails under in `constraints`. */
  readonly constraint: string;
  readonly check: ValueCheck;
  readonly each: boolean;
  readonly rule: ContractRule;
}

type Condition = (object: unknown, value: unknown) => boolean;

/** One property's rules, split the way class-validator's executor runs them. */
export interface CompiledProperty {
  readonly name: string;
  /** @IsOptional's own conditions: any false skips every other rule of the property. */
  readonly conditions: readonly Condition[];
  readonly defined: readonly CompiledRule[];
  readonly checks: readonly CompiledRule[];
  readonly nested: readonly ContractRule[];
  /**
   * What class-validator runs on each element of an array (Set, Map) under @ValidateNested:
   * the nested rules alone, with no condition and no check. Absent on that view itself.
   */
  readonly elements?: CompiledProperty;
}

type Parts = { conditions: Condition[]; defined: CompiledRule[]; checks: CompiledRule[]; nested: ContractRule[] };

/** How objects of one class are validated, compiled from its rule model. */
export interface ClassPlan {
  readonly target: Function;
  /** No rules at all: with forbidUnknownValues class-validator rejects the object outright. */
  readonly unknown: boolean;
  /** class-validator's grouping of the rules by property (see groupByProperty): the whitelist asks it. */
  readonly grouped: Readonly<Record<string, readonly unknown[]>>;
  readonly properties: readonly CompiledProperty[];
  /** Built by plainToInstance (the class has class-transformer metadata) or by a plain-instance builder. */
  readonly build?: InstanceBuilder;
}

const plans = new WeakMap<Function, ClassPlan | null>();
const logger = new NestreamLogger('Nestream');

/**
 * The compiled plan of a class, made on first use and kept; undefined when the class uses a
 * rule nestream does not compile (then class-validator validates it, and the debug log says
 * which class and which rule, once).
 */
export function planOf(target: unknown): ClassPlan | undefined {
  // Not a class (an own `constructor` key, a bound or arrow function): class-validator's business.
  if (typeof target !== 'function' || typeof target.prototype !== 'object' || target.prototype === null) return undefined;
  let plan = plans.get(target);
  if (plan === undefined) {
    plan = compile(target as Function);
    plans.set(target as Function, plan);
  }
  return plan ?? undefined;
}

function compile(target: Function): ClassPlan | null {
  const rules = readContractRules(target);
  const grouped: Record<string, ContractRule[]> = {};
  const properties: CompiledProperty[] = [];
  for (const property of rules.properties) {
    if (property.name in Object.prototype) {
      logger.debug(`${nameOf(target)}.${property.name}: the property is named like an Object.prototype member, so class-validator validates ${nameOf(target)}`);
      return null;
    }
    grouped[property.name] = [...property.rules];
    const compiled: Parts = { conditions: [], defined: [], checks: [], nested: [] };
    for (const rule of property.rules) {
      const problem = unsupported(rule) ?? place(target, property.name, rule, compiled);
      if (problem) {
        logger.debug(`${nameOf(target)}.${property.name}: ${problem}, so class-validator validates ${nameOf(target)}`);
        return null;
      }
    }
    const elements: CompiledProperty = { name: property.name, conditions: [], defined: [], checks: [], nested: compiled.nested };
    properties.push({ name: property.name, ...compiled, elements });
  }
  const build = rules.transformed ? undefined : plainInstanceBuilder(target as new () => object);
  return { target, unknown: rules.properties.length === 0, grouped, properties, build };
}

function nameOf(target: Function): string {
  return target.name || '(anonymous class)';
}

/** What keeps a rule on class-validator's path, if anything: worded for the debug log. */
function unsupported(rule: ContractRule): string | undefined {
  const name = rule.constraint ?? rule.metadata.type;
  if (rule.kind === 'condition') return '@ValidateIf is not compiled';
  if (rule.kind === 'promise') return '@ValidatePromise is not compiled';
  if (rule.kind === 'allow') return '@Allow is not compiled';
  if (rule.groups.length > 0) return `rule '${name}' has groups`;
  if (rule.validateIf) return `rule '${name}' has a validateIf option`;
  if (rule.async) return `rule '${name}' is async`;
  return undefined;
}

/** Files a rule under its part of the property; returns what keeps it from compiling, if anything. */
function place(target: Function, property: string, rule: ContractRule, into: Parts): string | undefined {
  if (rule.kind === 'nested') {
    into.nested.push(rule);
    return undefined;
  }
  if (rule.kind === 'optional') {
    const condition = rule.metadata.constraints?.[0];
    if (typeof condition !== 'function') return '@IsOptional has no condition';
    into.conditions.push(condition as Condition);
    return undefined;
  }
  const constraint = rule.constraint;
  if (constraint === undefined || rule.implementations !== 1) return `rule '${constraint ?? rule.metadata.type}' is not one nestream compiles`;
  let check: ValueCheck | undefined;
  try {
    check = checkFor(constraint, rule.args);
  } catch {
    // e.g. @Matches with a pattern that is not a valid RegExp: class-validator fails the same way on every message.
    return `rule '${constraint}' has arguments nestream cannot compile`;
  }
  if (!check) return `rule '${constraint}' is not one nestream compiles`;
  if (!sameAsClassValidator(target, property, rule, constraint, check)) return `rule '${constraint}' does not behave as class-validator's built-in '${constraint}'`;
  (rule.kind === 'defined' ? into.defined : into.checks).push({ constraint, check, each: rule.each, rule });
  return undefined;
}
