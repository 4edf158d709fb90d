import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { TArchiveConfig } from '../config';
import type { TArchiveStore } from '../domain/archive/archive-store';

/**
 * The archive's object store on S3 or any S3-compatible server (AWS SDK v3): ARCHIVE_URL=s3://bucket/prefix,
 * AWS_ENDPOINT_URL (then path-style URLs, which MinIO, Ceph and local servers expect), AWS_REGION and the
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY pair, or else the SDK's default credentials (an instance role).
 *
 * Checksums are sent only where S3 requires them: the archive checks what it stored by reading the object back
 * and comparing its SHA-256 and records with what it wrote (verify-archive.ts), which holds on servers that
 * do not implement S3's newer flexible checksums too.
 *
 * @example
 * const store = s3ArchiveStore(config.archive); // config.archive.target.kind === 's3'
 * await archiveIntents(db, { olderThanDays: 90, outDir: tmp, store });
 */
export function s3ArchiveStore(archive: TArchiveConfig): TArchiveStore & { client: S3Client } {
  const { target, s3 } = archive;
  if (target.kind !== 's3') throw new Error('s3ArchiveStore needs ARCHIVE_URL=s3://…');
  const client = new S3Client({
    region: s3.region,
    ...(s3.endpoint === null ? {} : { endpoint: s3.endpoint, forcePathStyle: true }),
    ...(s3.credentials === null ? {} : { credentials: s3.credentials }),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const key = (name: string) => `${target.prefix}${name}`;
  return {
    client,
    location: `s3://${target.bucket}/${target.prefix}`,
    async put(file, name) {
      const { size } = await stat(file);
      await client.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: key(name),
          Body: createReadStream(file),
          ContentLength: size,
          ContentType: 'application/gzip',
        }),
      );
      return `s3://${target.bucket}/${key(name)}`;
    },
    async get(name) {
      const object = await client.send(new GetObjectCommand({ Bucket: target.bucket, Key: key(name) }));
      if (!(object.Body instanceof Readable))
        throw new Error(`s3://${target.bucket}/${key(name)} has no body`);
      return object.Body;
    },
    async remove(name) {
      await client.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: key(name) }));
    },
  };
}
