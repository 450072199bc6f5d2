import type { AccessLog } from './access-log.ts';
import type { AccessLogWriter } from './access-log-writer.ts';
import type { Formatter } from './formatter.ts';
import type { StreamInfo } from './stream-info.ts';

/** A file, stdout or stderr access log bound to one thread's writer. */
export class AccessLogImpl implements AccessLog {
  private readonly writer: AccessLogWriter;
  private readonly fileId: number;
  private readonly formatter: Formatter;

  constructor(writer: AccessLogWriter, fileId: number, formatter: Formatter) {
    this.writer = writer;
    this.fileId = fileId;
    this.formatter = formatter;
  }

  log(info: StreamInfo): boolean {
    return this.writer.write(this.fileId, this.formatter.format(info));
  }
}
