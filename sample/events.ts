import { IsEmail, IsInt, IsString, Length } from 'class-validator';
import { EventContract } from '../lib/index.js';

@EventContract('user.created', { version: 'v1', description: 'A user signed up: published by `POST /users`, consumed by onboarding and the signup stats.' })
export class UserCreated {
  @IsInt() userId!: number;
  @IsEmail() email!: string;
  @IsString() @Length(1, 64) username!: string;
}

@EventContract('onboarding.started', { version: 'v1', description: 'Onboarding began for a new user: the result of the onboarding handler, bridged to the `events` transport.' })
export class OnboardingStarted {
  @IsInt() userId!: number;
  @IsString() correlationId!: string;
}
