import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { IsEmail, IsInt, IsNumber, IsString, MaxLength } from 'class-validator';
import { assertCompatible, EventContract, IncompatibleContractError } from '../../lib/index.js';
import { ScoreV1, ScoreV2, UserCreatedV1, UserCreatedV2, UserCreatedV3, v1ToV2, v2ToV3 } from '../support/versioned-contracts.js';

const problemsOf = (run: () => void): readonly string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof IncompatibleContractError) return error.problems;
    throw error;
  }
  return [];
};

describe('assertCompatible(Older, Newer)', () => {
  it('passes when the newer version only widens: an enum member added, an optional property added', () => {
    expect(() => assertCompatible(UserCreatedV2, UserCreatedV3)).not.toThrow();
  });

  it('fails on a property added as required, naming it and why', () => {
    expect(() => assertCompatible(UserCreatedV1, UserCreatedV2)).toThrow(
      "user.created@v2 would reject messages that user.created@v1 accepts, and no upcaster covers user.created@v1 → user.created@v2:\n" +
        "  - 'tier': added as required (older messages do not have it); add @IsOptional() or an upcaster that sets it",
    );
  });

  it('passes once an upcaster (or a chain of them) covers the pair', () => {
    expect(() => assertCompatible(UserCreatedV1, UserCreatedV2, { upcasters: [v1ToV2] })).not.toThrow();
    expect(() => assertCompatible(UserCreatedV1, UserCreatedV3, { upcasters: [v1ToV2, v2ToV3] })).not.toThrow();
    expect(problemsOf(() => assertCompatible(UserCreatedV1, UserCreatedV3, { upcasters: [v2ToV3] }))).toEqual([
      "'tier': added as required (older messages do not have it); add @IsOptional() or an upcaster that sets it",
    ]);
  });

  it('names a narrowed range, a removed enum member and a property made required', () => {
    expect(problemsOf(() => assertCompatible(ScoreV1, ScoreV2))).toEqual(["'score': its minimum is raised from 0 to 10", "'grade': enum member \"c\" removed", "'note': optional before, required now"]);
  });

  it('names a narrowed type, a shorter maximum length and a removed property', () => {
    @EventContract('profile.changed', { version: 'v1' })
    class ProfileV1 {
      @IsNumber() age!: number;
      @IsString() @MaxLength(80) name!: string;
      @IsString() nickname!: string;
      @IsEmail() email!: string;
    }
    @EventContract('profile.changed', { version: 'v2' })
    class ProfileV2 {
      @IsInt() age!: number;
      @IsString() @MaxLength(40) name!: string;
      @IsString() email!: string;
    }
    expect(problemsOf(() => assertCompatible(ProfileV1, ProfileV2))).toEqual([
      "'nickname': removed, and the newer version rejects properties it does not declare",
      "'age': a rule isInt that the older version does not check",
      "'name': its maximum length is lowered from 80 to 40",
    ]);
    // The reverse widens every rule but re-adds a required property.
    expect(problemsOf(() => assertCompatible(ProfileV2, ProfileV1))).toEqual(["'nickname': added as required (older messages do not have it); add @IsOptional() or an upcaster that sets it", "'email': a rule isEmail that the older version does not check"]);
  });

  it('refuses classes of two different events', () => {
    expect(() => assertCompatible(UserCreatedV1, ScoreV1)).toThrow("assertCompatible: UserCreatedV1 and ScoreV1 are not versions of one event ('user.created', 'score.set')");
  });
});
