// pricing.module.ts
import { Injectable, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { IsInt, IsPositive, IsString } from 'class-validator';
import { EventContract, InjectPublisher, NestreamModule, RemoteHandlerError, RequestTimeoutError, Subscriber, type PublisherOf } from 'nestream';

@EventContract('pricing.quote-requested')
export class QuoteRequested {
  @IsString() sku!: string;
  @IsInt() @IsPositive() quantity!: number;
}

@EventContract('pricing.quoted')
export class Quoted {
  @IsString() sku!: string;
  @IsInt() totalCents!: number;
}

@Injectable()
export class PricingHandlers {
  // A request's reply is the handler's return value; a thrown error goes back as an error reply.
  @Subscriber(QuoteRequested, { group: 'pricing' })
  quote(@Payload() request: QuoteRequested): Quoted {
    if (request.sku === 'discontinued') throw new RangeError(`${request.sku} has no price`);
    return { sku: request.sku, totalCents: request.quantity * 250 };
  }
}

@Injectable()
export class CheckoutService {
  constructor(@InjectPublisher(QuoteRequested) private readonly quotes: PublisherOf<typeof QuoteRequested>) {}

  /** The reply is validated against Quoted and typed as Quoted. */
  async priceOf(sku: string, quantity: number): Promise<number | undefined> {
    try {
      const quoted = await this.quotes.request({ sku, quantity }, { reply: Quoted, timeoutMs: 2_000 });
      return quoted.totalCents;
    } catch (error) {
      if (error instanceof RemoteHandlerError) return undefined; // error.name === 'RangeError'
      if (error instanceof RequestTimeoutError) throw new Error('pricing is not answering', { cause: error });
      throw error;
    }
  }
}

@Module({
  imports: [NestreamModule.forRoot({ serviceName: 'checkout' }), NestreamModule.forFeature([QuoteRequested])],
  providers: [PricingHandlers, CheckoutService],
})
export class PricingModule {}
