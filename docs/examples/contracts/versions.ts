// app.module.ts: moving user.created from v1 to v2
import { Controller, Module } from '@nestjs/common';
import { IsEmail, IsIn, IsInt } from 'class-validator';
import { assertCompatible, EventContract, NestreamModule, Subscriber, upcast, type MessageContext } from 'nestream';

// 1. Keep v1 as it is and add v2 beside it: same event name, a new version.
@EventContract('user.created', { version: 'v1' })
export class UserCreatedV1 {
  @IsInt() userId!: number;
  @IsEmail() email!: string;
}

@EventContract('user.created', { version: 'v2' })
export class UserCreatedV2 {
  @IsInt() userId!: number;
  @IsEmail() email!: string;
  @IsIn(['free', 'pro']) tier!: string;
}

// 2. Say once how a v1 event becomes a v2 one.
export const upcasters = [upcast(UserCreatedV1, UserCreatedV2, (v1) => ({ ...v1, tier: 'free' }))];

// 3. Move consumers to v2: they get v1 events upcast, v2 events as they are.
@Controller()
export class Onboarding {
  readonly tiers: string[] = [];

  @Subscriber(UserCreatedV2)
  onUserCreated(event: UserCreatedV2, ctx: MessageContext) {
    this.tiers.push(`${event.tier} (sent as ${ctx.event.version ?? 'no version'})`);
  }
}

@Module({
  imports: [NestreamModule.forRoot({ serviceName: 'onboarding', upcasters }), NestreamModule.forFeature([UserCreatedV1, UserCreatedV2])],
  providers: [Onboarding],
})
export class AppModule {}

// 4. In CI: v2 must accept what v1 producers send, once the upcasters are applied.
assertCompatible(UserCreatedV1, UserCreatedV2, { upcasters });
