// @debt handler "wired in the AWS handlers commit"
export const handler = async () => {
  throw new Error('not wired yet');
};
