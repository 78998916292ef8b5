import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type { Role } from '../../common/auth.decorators.js';
import type { Role } from '../../common/auth.decorators.js';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  email: string;

  @Column('text', { nullable: true })
  name: string | null;

  @Column('text', { nullable: true })
  avatarUrl: string | null;

  @Column('text', { nullable: true })
  googleId: string | null;

  @Column('text', { default: 'teacher' })
  role: Role;

  @Column('text', { nullable: true, default: 'free' })
  subscriptionTier: 'free' | 'pro' | 'enterprise' | null;

  @Column('uuid', { nullable: true })
  schoolId: string | null;

  @Column('text', { nullable: true })
  sourcedId: string | null;

  @Column('timestamptz', { nullable: true })
  disabledAt: Date | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;

  @Column('timestamptz', { nullable: true })
  lastLoginAt: Date | null;
}
