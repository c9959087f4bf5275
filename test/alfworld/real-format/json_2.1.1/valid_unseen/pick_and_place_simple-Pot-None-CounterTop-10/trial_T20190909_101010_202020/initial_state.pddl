(define (problem plan_trial_T20190909_101010_202020)
(:domain alfred)
(:objects
agent1 - agent
PotType - otype
KnifeType - otype
StoveBurnerType - rtype
CounterTopType - rtype
CabinetType - rtype
Pot_bar__minus_00_dot_42_bar__plus_00_dot_93_bar__minus_01_dot_05 - object
Knife_bar__plus_00_dot_90_bar__plus_00_dot_96_bar__minus_00_dot_30 - object
StoveBurner_bar__minus_00_dot_42_bar__plus_00_dot_92_bar__minus_01_dot_00 - receptacle
StoveBurner_bar__minus_00_dot_42_bar__plus_00_dot_92_bar__minus_01_dot_10 - receptacle
CounterTop_bar__plus_00_dot_93_bar__plus_00_dot_95_bar__minus_00_dot_21 - receptacle
Cabinet_bar__plus_00_dot_65_bar__plus_00_dot_48_bar__plus_00_dot_24 - receptacle
loc_bar_0_bar_4_bar_2_bar_30 - location
loc_bar__minus_1_bar__minus_4_bar_2_bar_30 - location
loc_bar__minus_1_bar__minus_5_bar_2_bar_30 - location
loc_bar_1_bar__minus_1_bar_1_bar_30 - location
loc_bar__minus_1_bar_3_bar_1_bar_30 - location
loc_bar__minus_2_bar__minus_4_bar_2_bar_60 - location
loc_bar_4_bar__minus_1_bar_1_bar_60 - location
)

(:init

(atLocation agent1 loc_bar_0_bar_4_bar_2_bar_30)
(canContain StoveBurnerType PotType)
(canContain CounterTopType PotType)
(canContain CounterTopType KnifeType)
(canContain CabinetType PotType)
(receptacleType StoveBurner_bar__minus_00_dot_42_bar__plus_00_dot_92_bar__minus_01_dot_00 StoveBurnerType)
(receptacleAtLocation StoveBurner_bar__minus_00_dot_42_bar__plus_00_dot_92_bar__minus_01_dot_00 loc_bar__minus_1_bar__minus_4_bar_2_bar_30)
(receptacleType StoveBurner_bar__minus_00_dot_42_bar__plus_00_dot_92_bar__minus_01_dot_10 StoveBurnerType)
(receptacleAtLocation StoveBurner_bar__minus_00_dot_42_bar__plus_00_dot_92_bar__minus_01_dot_10 loc_bar__minus_1_bar__minus_5_bar_2_bar_30)
(receptacleType CounterTop_bar__plus_00_dot_93_bar__plus_00_dot_95_bar__minus_00_dot_21 CounterTopType)
(receptacleAtLocation CounterTop_bar__plus_00_dot_93_bar__plus_00_dot_95_bar__minus_00_dot_21 loc_bar_1_bar__minus_1_bar_1_bar_30)
(receptacleType Cabinet_bar__plus_00_dot_65_bar__plus_00_dot_48_bar__plus_00_dot_24 CabinetType)
(receptacleAtLocation Cabinet_bar__plus_00_dot_65_bar__plus_00_dot_48_bar__plus_00_dot_24 loc_bar__minus_1_bar_3_bar_1_bar_30)
(openable Cabinet_bar__plus_00_dot_65_bar__plus_00_dot_48_bar__plus_00_dot_24)
(objectType Pot_bar__minus_00_dot_42_bar__plus_00_dot_93_bar__minus_01_dot_05 PotType)
(inReceptacle Pot_bar__minus_00_dot_42_bar__plus_00_dot_93_bar__minus_01_dot_05 StoveBurner_bar__minus_00_dot_42_bar__plus_00_dot_92_bar__minus_01_dot_00)
(inReceptacle Pot_bar__minus_00_dot_42_bar__plus_00_dot_93_bar__minus_01_dot_05 StoveBurner_bar__minus_00_dot_42_bar__plus_00_dot_92_bar__minus_01_dot_10)
(objectAtLocation Pot_bar__minus_00_dot_42_bar__plus_00_dot_93_bar__minus_01_dot_05 loc_bar__minus_2_bar__minus_4_bar_2_bar_60)
(pickupable Pot_bar__minus_00_dot_42_bar__plus_00_dot_93_bar__minus_01_dot_05)
(isReceptacleObject Pot_bar__minus_00_dot_42_bar__plus_00_dot_93_bar__minus_01_dot_05)
(objectType Knife_bar__plus_00_dot_90_bar__plus_00_dot_96_bar__minus_00_dot_30 KnifeType)
(inReceptacle Knife_bar__plus_00_dot_90_bar__plus_00_dot_96_bar__minus_00_dot_30 CounterTop_bar__plus_00_dot_93_bar__plus_00_dot_95_bar__minus_00_dot_21)
(objectAtLocation Knife_bar__plus_00_dot_90_bar__plus_00_dot_96_bar__minus_00_dot_30 loc_bar_4_bar__minus_1_bar_1_bar_60)
(pickupable Knife_bar__plus_00_dot_90_bar__plus_00_dot_96_bar__minus_00_dot_30)
)

(:goal
     (and
        (exists (?r - receptacle)
            (exists (?o - object)
                (and
                    (objectType ?o PotType)
                    (receptacleType ?r CounterTopType)
                    (inReceptacle ?o ?r)
                )
            )
        )
     )
)
)
