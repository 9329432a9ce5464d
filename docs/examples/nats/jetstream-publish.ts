// payments.service.ts: publishing on the JetStream transport itself (deduplication id, expected sequence)
import { Injectable } from '@nestjs/common';
import { TransportRegistry } from 'nestream';

@Injectable()
export class PaymentsService {
  constructor(private readonly transports: TransportRegistry) {}

  async settle(body: Buffer) {
    const jetstream = await this.transports.connected('jetstream');
    await jetstream.publish({ topic: 'payments.settled', body, headers: {}, key: 'p-1',
                              options: { msgId: 'payment-p-1', expect: { lastSequence: 41 } } });
  }
}
