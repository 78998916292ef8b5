import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A token for scripts and integrations (`Authorization: Bearer`). Shown once; only its sha256 is stored. */
@Entity('api_tokens')
export class ApiToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  @Column('text')
  name: string;

  @Column('bytea')
  tokenHash: Buffer;

  /** The first characters of the token, to recognise it in a list. */
  @Column('text')
  tokenPrefix: string;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  lastUsedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  expiresAt: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;
}
