import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('schools')
export class School {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  district: string | null;

  @Column('text', { nullable: true })
  state: string | null;

  @Column('text', { nullable: true, default: 'US' })
  country: string | null;

  /** The OneRoster sourcedId this school was imported from. */
  @Column('text', { nullable: true })
  sourcedId: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
