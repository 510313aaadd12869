import {
  DeleteVolumeCommand,
  type EC2Client,
  paginateDescribeVolumes,
  type Volume,
} from '@aws-sdk/client-ec2';
import { callAws, hasAwsCode, translateAwsError } from './aws-errors.ts';
import { TASK_TAGS } from './ecs-run-task-request.ts';

/** DescribeVolumes' MaxResults: 5 to 500 (EC2 API reference). */
const DESCRIBE_VOLUMES_PAGE_SIZE = 500;

const GONE = new Set(['deleting', 'deleted']);

/** The EBS volumes ECS made for sandboxes, found by their tag. */
export class EbsVolumes {
  constructor(private readonly client: EC2Client) {}

  /** The sandbox's newest volume that is not being deleted. */
  async find(sandboxId: string): Promise<string | undefined> {
    const volumes = await callAws(`find volume of ${sandboxId}`, async () => {
      const found: Volume[] = [];
      const pages = paginateDescribeVolumes(
        { client: this.client, pageSize: DESCRIBE_VOLUMES_PAGE_SIZE },
        {
          Filters: [
            { Name: `tag:${TASK_TAGS.sandboxId}`, Values: [sandboxId] },
          ],
        },
      );
      for await (const page of pages) found.push(...(page.Volumes ?? []));
      return found;
    });

    const newest = volumes
      .filter((volume) => !GONE.has(volume.State ?? ''))
      .sort(
        (a, b) =>
          (b.CreateTime?.getTime() ?? 0) - (a.CreateTime?.getTime() ?? 0),
      )[0];
    return newest?.VolumeId;
  }

  /** Deletes the volume; one that is gone already counts as deleted. */
  async delete(volumeId: string): Promise<void> {
    try {
      await this.client.send(new DeleteVolumeCommand({ VolumeId: volumeId }));
    } catch (error) {
      if (hasAwsCode(error, 'InvalidVolume.NotFound')) return;
      throw translateAwsError(`delete volume ${volumeId}`, error);
    }
  }
}
