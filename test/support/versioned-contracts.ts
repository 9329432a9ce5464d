import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { EventContract, upcast } from '../../lib/index.js';

/** Three versions of one event, as a migration leaves them: v2 adds a required `tier`, v3 an optional `region`. */
@EventContract('user.created', { version: 'v1' })
export class UserCreatedV1 {
  @IsInt() userId!: number;
  @IsString() email!: string;
}

@EventContract('user.created', { version: 'v2' })
export class UserCreatedV2 {
  @IsInt() userId!: number;
  @IsString() email!: string;
  @IsIn(['free', 'pro']) tier!: string;
}

@EventContract('user.created', { version: 'v3' })
export class UserCreatedV3 {
  @IsInt() userId!: number;
  @IsString() email!: string;
  @IsIn(['free', 'pro', 'team']) tier!: string;
  @IsOptional() @IsString() region?: string;
}

export const v1ToV2 = upcast(UserCreatedV1, UserCreatedV2, (v1) => ({ ...v1, tier: 'free' }));
export const v2ToV3 = upcast(UserCreatedV2, UserCreatedV3, (v2) => ({ ...v2 }));

/** Narrowings assertCompatible must name. */
@EventContract('score.set', { version: 'v1' })
export class ScoreV1 {
  @IsInt() @Min(0) @Max(100) score!: number;
  @IsIn(['a', 'b', 'c']) grade!: string;
  @IsOptional() @IsString() note?: string;
}

@EventContract('score.set', { version: 'v2' })
export class ScoreV2 {
  @IsInt() @Min(10) @Max(100) score!: number;
  @IsIn(['a', 'b']) grade!: string;
  @IsString() note!: string;
}
