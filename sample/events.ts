import { IsEmail, IsInt, IsString, Length } from 'class-validator';
import { EventContract } from '../lib/index.js';

@EventContract('user.created', { version: 'v1' })
export class UserCreated {
  @IsInt() userId!: number;
  @IsEmail() email!: string;
  @IsString() @Length(1, 64) username!: string;
}

@EventContract('onboarding.started', { version: 'v1' })
export class OnboardingStarted {
  @IsInt() userId!: number;
  @IsString() correlationId!: string;
}
