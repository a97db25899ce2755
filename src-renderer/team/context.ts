/** Team mode in the workbench: who is signed in, and their own account and the team's users as services. */
import { createContext, useContext } from 'react';
import type { AccountInfo, IAccountService, ITeamServerService, IUserService } from '../../src-main/common/team';

/** The signed-in person of a team server's workbench (absent on a workstation). */
export interface TeamSession {
  account: AccountInfo;
  services: { account: IAccountService; users: IUserService };
  /** Signs out and shows the sign-in page. */
  signOut(): void;
}

/** Set when the workbench is served by `ocm serve`. */
export const TeamSessionContext = createContext<TeamSession | null>(null);

/** The team session, or null on a workstation. */
export function useTeamSession(): TeamSession | null {
  return useContext(TeamSessionContext);
}

/** The workstation's team-server list (desktop and `ocm ui`); null where the host has none (a team server's page). */
export const TeamServersContext = createContext<ITeamServerService | null>(null);

/** The team-server list, or null. */
export function useTeamServers(): ITeamServerService | null {
  return useContext(TeamServersContext);
}
